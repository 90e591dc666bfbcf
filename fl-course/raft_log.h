// RaftLog: a Raft server's persistent state — currentTerm, votedFor and
// log[] of Figure 2 (Ongaro & Ousterhout, "In Search of an Understandable
// Consensus Algorithm", 2014) — in memory, with every change also queued on a
// Wal in the node's data directory (<dir>/raft.wal), replayed on restart.
// A change returns a ticket; sync(ticket) returns once it is on disk, and
// synced(ticket) then records that, so durable_index() says how much of the
// log this node may count as its own in a commit (the leader counts itself
// only for what it has on disk). With Durability::None nothing reaches the
// disk (the `no-persist` bug): a restart starts empty.
// Not thread-safe: the owner locks around every call except sync(), which
// only waits on the Wal (thread-safe) and may run without the owner's lock.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "wal.h"

namespace course {

struct LogEntry {
  std::uint64_t term = 0;
  Json command;
  std::uint64_t ticket = 0;  // the Wal ticket that wrote it (0: loaded from disk)
};

class RaftLog {
 public:
  // `dir` empty (or Durability::None) keeps everything in memory only.
  RaftLog(const std::string& dir, Durability durability);

  std::uint64_t term() const { return term_; }
  const std::string& vote() const { return vote_; }
  std::uint64_t last_index() const { return entries_.size(); }
  std::uint64_t last_term() const { return entries_.empty() ? 0 : entries_.back().term; }
  // The term of the entry at `index`; 0 for index 0 (the empty prefix) and
  // for an index past the end.
  std::uint64_t term_at(std::uint64_t index) const;
  // 1-based, index <= last_index().
  const LogEntry& at(std::uint64_t index) const { return entries_.at(index - 1); }

  // Each change is applied in memory at once and queued for the disk.
  std::uint64_t set_hard_state(std::uint64_t term, const std::string& vote);
  // Appends at the end; returns the ticket.
  std::uint64_t append(std::vector<LogEntry> entries);
  // Drops the entries at `index` and after (a conflict, §5.3).
  std::uint64_t truncate_from(std::uint64_t index);

  void sync(std::uint64_t ticket) { wal_->wait(ticket); }
  void synced(std::uint64_t ticket);
  // The last index whose entry (and every entry before it) is on disk.
  std::uint64_t durable_index() const;
  // The last ticket handed out (0 before any change).
  std::uint64_t last_ticket() const { return ticket_; }

 private:
  std::uint64_t term_ = 0;
  std::string vote_;
  std::vector<LogEntry> entries_;
  std::uint64_t ticket_ = 0, synced_ = 0;
  std::unique_ptr<Wal> wal_;
};

}  // namespace course
