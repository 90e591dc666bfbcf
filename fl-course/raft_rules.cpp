#include "raft_rules.h"

#include <algorithm>
#include <functional>

namespace course {

bool log_up_to_date(std::uint64_t last_term, std::uint64_t last_index, std::uint64_t other_last_term,
                    std::uint64_t other_last_index) {
  if (last_term != other_last_term) return last_term > other_last_term;
  return last_index >= other_last_index;
}

VoteAnswer receive_vote(RaftLog& log, const VoteRequest& r) {
  VoteAnswer a;
  // All servers: a request with a newer term makes this one a follower of it.
  if (r.term > log.term()) a.ticket = log.set_hard_state(r.term, "");
  a.term = log.term();
  if (r.term < log.term()) return a;  // 1. reply false if term < currentTerm
  // 2. grant if votedFor is null or candidateId, and the candidate's log is
  // at least as up-to-date as the receiver's (§5.4.1).
  bool free = log.vote().empty() || log.vote() == r.candidate;
  if (free && log_up_to_date(r.last_term, r.last_index, log.last_term(), log.last_index())) {
    a.granted = true;
    if (log.vote() != r.candidate) a.ticket = log.set_hard_state(log.term(), r.candidate);
  }
  return a;
}

AppendAnswer receive_append(RaftLog& log, const AppendRequest& r) {
  AppendAnswer a;
  if (r.term > log.term()) a.ticket = log.set_hard_state(r.term, "");
  a.term = log.term();
  if (r.term < log.term()) return a;  // 1. reply false if term < currentTerm
  // 2. reply false if the log has no entry at prevLogIndex whose term
  // matches prevLogTerm. The hint (§5.3's optimization) skips a whole
  // conflicting term at once, or jumps to the end of a short log.
  if (r.prev_index > log.last_index()) {
    a.conflict = log.last_index() + 1;
    return a;
  }
  // Entries up to the snapshot are committed, here and on the leader alike
  // (§7): those the request repeats are skipped, and the check is made at
  // the first index the log still holds.
  std::uint64_t prev = r.prev_index, prev_term = r.prev_term;
  std::size_t k = 0;
  if (prev < log.snapshot_index()) {
    k = static_cast<std::size_t>(std::min<std::uint64_t>(r.entries.size(), log.snapshot_index() - prev));
    prev += k;
    prev_term = k > 0 ? r.entries[k - 1].term : prev_term;
  }
  if (prev >= log.snapshot_index() && prev > 0 && log.term_at(prev) != prev_term) {
    std::uint64_t bad = log.term_at(prev), i = prev;
    while (i > log.first_index() && log.term_at(i - 1) == bad) --i;
    a.conflict = i;
    return a;
  }
  // 3. an existing entry that conflicts with a new one (same index,
  // different terms): delete it and all that follow. 4. append any new
  // entries not already in the log.
  std::uint64_t index = prev;
  for (; k < r.entries.size(); ++k) {
    ++index;
    if (index > log.last_index()) break;
    if (log.term_at(index) != r.entries[k].term) {
      a.ticket = log.truncate_from(index);
      break;
    }
  }
  if (k < r.entries.size()) a.ticket = log.append(std::vector<LogEntry>(r.entries.begin() + k, r.entries.end()));
  a.success = true;
  a.match = r.prev_index + r.entries.size();
  return a;
}

SnapshotAnswer receive_snapshot(RaftLog& log, SnapshotRequest r, std::uint64_t commit) {
  SnapshotAnswer a;
  if (r.term > log.term()) a.ticket = log.set_hard_state(r.term, "");
  a.term = log.term();
  if (r.term < log.term()) return a;  // 1. reply immediately if term < currentTerm
  // What this server has committed it has applied or will: a snapshot that
  // ends there or before brings nothing.
  if (r.snapshot.index <= commit) return a;
  // 2-5. save the snapshot; 6-7. keep the entries after it if the log has
  // its last entry, else discard the log.
  a.installed = log.save_snapshot(std::move(r.snapshot));
  return a;
}

std::uint64_t follower_commit(std::uint64_t commit, const AppendRequest& r) {
  // 5. if leaderCommit > commitIndex, commitIndex = min(leaderCommit, index
  // of the last new entry).
  std::uint64_t last_new = r.prev_index + r.entries.size();
  return std::max(commit, std::min(r.leader_commit, last_new));
}

std::uint64_t leader_commit(const RaftLog& log, std::uint64_t current_term, std::uint64_t commit,
                            std::vector<std::uint64_t> match) {
  if (match.empty()) return commit;
  // The value a majority has reached: sorted descending, the element at
  // position floor(n/2) is >= N for a majority of the n servers.
  std::sort(match.begin(), match.end(), std::greater<>());
  std::uint64_t majority = match[match.size() / 2];
  // §5.4.2: count replicas only for an entry of the current term; earlier
  // entries are committed with it (Log Matching). Figure 8 shows why.
  for (std::uint64_t n = std::min(majority, log.last_index()); n > commit; --n) {
    std::uint64_t t = log.term_at(n);
    if (t == current_term) return n;
    if (t < current_term) break;  // terms only decrease going back
  }
  return commit;
}

}  // namespace course
