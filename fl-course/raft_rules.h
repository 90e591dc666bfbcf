// The rules of Raft that need no network, as plain functions over a RaftLog
// — each one a box of Figure 2 of Ongaro & Ousterhout, "In Search of an
// Understandable Consensus Algorithm" (USENIX ATC 2014):
//   RequestVote receiver (§5.2, with the election restriction of §5.4.1),
//   AppendEntries receiver (§5.3: the consistency check and conflict
//   truncation; Log Matching), InstallSnapshot receiver (§7, Figure 13), and the leader's commit rule (§5.3, §5.4.2:
//   only an entry of the current term is committed by counting replicas).
// raft.cpp does the rest (timers, RPCs, roles); the unit tests drive these
// directly. They change the log (term, vote, entries) but never sync it:
// the caller syncs the returned ticket before it answers (Figure 2:
// "updated on stable storage before responding to RPCs").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "raft_log.h"

namespace course {

// §5.4.1: a log is at least as up-to-date as another if its last term is
// later, or the last terms are equal and it is at least as long.
bool log_up_to_date(std::uint64_t last_term, std::uint64_t last_index, std::uint64_t other_last_term,
                    std::uint64_t other_last_index);

struct VoteRequest {
  std::uint64_t term = 0;
  std::string candidate;
  std::uint64_t last_index = 0, last_term = 0;
};
struct VoteAnswer {
  std::uint64_t term = 0;
  bool granted = false;
  std::uint64_t ticket = 0;  // to sync before answering (0: nothing changed)
};
// RequestVote receiver: a newer term is adopted (and the vote cleared); the
// vote goes to a candidate of the current term whose log is at least as
// up-to-date, once per term (a second request of the same candidate is
// granted again).
VoteAnswer receive_vote(RaftLog& log, const VoteRequest& r);

struct AppendRequest {
  std::uint64_t term = 0;
  std::string leader;
  std::uint64_t prev_index = 0, prev_term = 0;
  std::vector<LogEntry> entries;
  std::uint64_t leader_commit = 0;
};
struct AppendAnswer {
  std::uint64_t term = 0;
  bool success = false;
  std::uint64_t match = 0;     // on success: prev_index + entries (what now matches the leader)
  std::uint64_t conflict = 0;  // on a failed check: where the leader should try next
  std::uint64_t ticket = 0;    // to sync before answering (0: nothing changed)
};
// AppendEntries receiver: refuses an older term; refuses when the log has no
// entry at prev_index with prev_term (and says where to retry: the first
// index of the conflicting term, or the end of a short log); otherwise
// deletes an existing entry that conflicts with a new one (same index,
// different term) and all that follow it, and appends the entries not
// already there. An entry that matches is never cut: a delayed, shorter
// request must not undo what a later one appended.
// Entries at or before the log's snapshot are committed and match the
// leader's: they are skipped, never checked or cut.
AppendAnswer receive_append(RaftLog& log, const AppendRequest& r);

struct SnapshotRequest {
  std::uint64_t term = 0;
  std::string leader;
  Snapshot snapshot;  // lastIncludedIndex, lastIncludedTerm, the state
};
struct SnapshotAnswer {
  std::uint64_t term = 0;
  bool installed = false;    // the caller resets its state machine from the snapshot (step 8)
  std::uint64_t ticket = 0;  // to sync before answering (0: nothing changed but the snapshot, already saved)
};
// InstallSnapshot receiver (Figure 13, one chunk): refuses an older term; a
// snapshot that ends at or before `commit` (this server's commit index)
// changes nothing; otherwise the log takes it (RaftLog::save_snapshot:
// saved, then the entries it covers dropped — the rest kept only if the
// log has its last entry with its term).
SnapshotAnswer receive_snapshot(RaftLog& log, SnapshotRequest r, std::uint64_t commit);

// The follower's commit index after a successful append (Figure 2:
// min(leaderCommit, index of last new entry)), never lower than `commit`.
std::uint64_t follower_commit(std::uint64_t commit, const AppendRequest& r);

// The leader's commit rule: the largest N > commit such that a majority of
// `match` (one per server, the leader's own included) is >= N and
// log[N].term == current_term; `commit` if there is none.
std::uint64_t leader_commit(const RaftLog& log, std::uint64_t current_term, std::uint64_t commit,
                            std::vector<std::uint64_t> match);

}  // namespace course
