// The design registry: one line per design — its name, one sentence, its
// flags (what `fl-course --help` lists and what a run may give), its factory.
#include "design.h"

namespace course {

std::unique_ptr<Design> make_single(Node& node);
std::unique_ptr<Design> make_primary_backup(Node& node);
std::unique_ptr<Design> make_quorum(Node& node);
std::unique_ptr<Design> make_lww(Node& node);
std::unique_ptr<Design> make_raft(Node& node);
std::unique_ptr<Design> make_lock(Node& node);
std::unique_ptr<Design> make_twopc(Node& node);

const std::vector<DesignInfo>& designs() {
  static const std::vector<DesignInfo> v = {
      {"single", "one node holds the data; the others forward to it", {}, make_single},
      {"primary-backup", "n1 is primary and takes every write, replicates to backups",
       {{"sync", "", "acknowledge a write after every backup has it"},
        {"reads", "local|primary", "answer reads from the node's own copy (default) or the primary"},
        {"failover-ms", "T", "a backup that cannot reach the primary for T ms promotes itself"}},
       make_primary_backup},
      {"quorum", "Dynamo-style: every key on N nodes, versioned values, the contacted node coordinates",
       {{"n", "N", "replicas of each key (default 3)"},
        {"r", "R", "replicas a read waits for (default a majority of N)"},
        {"w", "W", "replicas a write waits for (default a majority of N)"},
        {"read-repair", "none|async|sync", "after a read, repair stale replicas: not, in the background, or "
                                           "before answering (ABD's write-back)"},
        {"sloppy", "", "use the next reachable nodes when owners are cut off (hinted handoff)"}},
       make_quorum},
      {"lww", "multi-leader: each node accepts writes, stamps them with its clock, gossips; last writer wins",
       {{"clock", "wall|lamport|hlc", "what stamps a write (default wall: the node's own clock)"},
        {"crdt", "", "sets merge as OR-sets instead of last-writer-wins"}},
       make_lww},
      {"raft", "leader election, log replication, commit at a majority, term/vote/log on disk, reads confirmed by a majority",
       {{"bug", "stale-read|early-ack|no-persist|relay-retry", "a deliberate bug (COURSE.md)"},
        {"followers", "relay|refuse", "a follower relays requests to the leader (default) or answers 503 naming it"},
        {"election-ms", "MS", "the shortest election timeout; each is random in [MS, 2 MS] (default 300)"},
        {"heartbeat-ms", "MS", "the leader's heartbeat interval (default 50)"},
        {"snapshot-entries", "N",
         "snapshot the state and drop the log before it once N applied entries (and more than the state has keys) follow the last snapshot (default 10000; 0: never)"}},
       make_raft},
      {"lock", "a lock service granting leases with growing tokens, and a store that logs every accepted write",
       {{"fencing", "", "the store refuses a token lower than the highest it has seen"},
        {"redlock", "N", "N independent lock nodes (the first N); a client needs a majority of grants within the lease"}},
       make_lock},
      {"2pc", "a bank (accounts 0-7, 10 each) on n2…nN; n1 coordinates transfers by two-phase commit",
       {{"bug", "unilateral-abort|non-idempotent-commit",
         "unilateral-abort: a participant that waited too long for the decision aborts alone; "
         "non-idempotent-commit: a participant applies a transfer again for every commit it hears"},
        {"saga", "", "debit, then credit, with a compensation on failure: no prepare, no locks across nodes"}},
       make_twopc},
  };
  return v;
}

const DesignInfo* find_design(const std::string& name) {
  for (const DesignInfo& d : designs())
    if (d.name == name) return &d;
  return nullptr;
}

}  // namespace course
