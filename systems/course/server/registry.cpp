// The design registry: one line per design — its name, one sentence, its
// flags (what `fl-course --help` lists and what a run may give), its factory.
#include "design.h"

namespace course {

std::unique_ptr<Design> make_single(Node& node);
std::unique_ptr<Design> make_primary_backup(Node& node);
std::unique_ptr<Design> make_quorum(Node& node);
std::unique_ptr<Design> make_lww(Node& node);

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
  };
  return v;
}

const DesignInfo* find_design(const std::string& name) {
  for (const DesignInfo& d : designs())
    if (d.name == name) return &d;
  return nullptr;
}

}  // namespace course
