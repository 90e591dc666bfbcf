// RaftLog: a Raft server's persistent state — currentTerm, votedFor and
// log[] of Figure 2 (Ongaro & Ousterhout, "In Search of an Understandable
// Consensus Algorithm", 2014) — in memory, with every change also queued on a
// Wal in the node's data directory (<dir>/raft.wal), replayed on restart.
// A change returns a ticket; sync(ticket) returns once it is on disk, and
// synced(ticket) then records that, so durable_index() says how much of the
// log this node may count as its own in a commit (the leader counts itself
// only for what it has on disk). With Durability::None nothing reaches the
// disk (the `no-persist` bug): a restart starts empty.
//
// Compaction (§7): a snapshot replaces the log's prefix up to its
// lastIncludedIndex. Indices stay absolute: the log holds entries
// first_index() … last_index(), first_index() = snapshot_index() + 1, and
// term_at(snapshot_index()) = snapshot_term(). save_snapshot() puts the
// snapshot in <dir>/raft.snap (snapshot.h) first and only then drops the
// prefix from memory and rewrites raft.wal without it (a new file renamed
// over the old), so a crash between any two steps leaves a snapshot and a
// log that a restart reconciles as Figure 13 does: the log's entries after
// the snapshot are kept if the log holds the snapshot's last entry, and
// discarded otherwise. A log that starts after its snapshot ends (the
// snapshot lost to a power cut under Durability::Write, its WAL not) lost
// the entries between: they are discarded and the log restarts at the
// snapshot it has, and note() says so.
// Not thread-safe: the owner locks around every call except sync(), which
// only waits on the Wal (thread-safe) and may run without the owner's lock.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "snapshot.h"
#include "wal.h"

namespace course {

// An entry's command is kept as its JSON text, as it travels and as it lies
// in the WAL: a few dozen bytes, where a parsed object costs some 500 (a
// log holds up to as many entries as the state machine has keys, so its
// memory is the node's largest). The state machine parses it when it
// applies the entry.
struct LogEntry {
  std::uint64_t term = 0;
  std::string command;       // JSON text
  std::uint64_t ticket = 0;  // the Wal ticket that wrote it (0: loaded from disk)
};

class RaftLog {
 public:
  // `dir` empty (or Durability::None) keeps everything in memory only.
  RaftLog(const std::string& dir, Durability durability);

  std::uint64_t term() const { return term_; }
  const std::string& vote() const { return vote_; }
  std::uint64_t last_index() const { return snap_.index + entries_.size(); }
  std::uint64_t last_term() const { return entries_.empty() ? snap_.term : entries_.back().term; }
  std::uint64_t first_index() const { return snap_.index + 1; }
  std::uint64_t snapshot_index() const { return snap_.index; }
  std::uint64_t snapshot_term() const { return snap_.term; }
  // The latest snapshot (index 0 and an empty state: none yet).
  const Snapshot& snapshot() const { return snap_; }
  // The term of the entry at `index`; snapshot_term() at snapshot_index()
  // (0 for index 0, the empty prefix); 0 before the snapshot (compacted
  // away: unknown) and past the end.
  std::uint64_t term_at(std::uint64_t index) const;
  // first_index() <= index <= last_index().
  const LogEntry& at(std::uint64_t index) const { return entries_.at(index - snap_.index - 1); }

  // Each change is applied in memory at once and queued for the disk.
  std::uint64_t set_hard_state(std::uint64_t term, const std::string& vote);
  // Appends at the end; returns the ticket.
  std::uint64_t append(std::vector<LogEntry> entries);
  // Drops the entries at `index` and after (a conflict, §5.3).
  std::uint64_t truncate_from(std::uint64_t index);
  // Makes `s` this log's snapshot, if it is newer than the one it has:
  // written to disk (per the durability), then the log's entries up to
  // s.index dropped — the ones after kept if the log has s.index with
  // s.term, all of them otherwise (Figure 13, steps 6 and 7) — and the WAL
  // rewritten as the hard state and the entries left. Returns once that is
  // done (durable with Durability::Fsync); false if `s` is not newer.
  bool save_snapshot(Snapshot s);
  // What the restart had to repair ("" if nothing); for the node's log.
  const std::string& note() const { return note_; }

  void sync(std::uint64_t ticket) { wal_->wait(ticket); }
  void synced(std::uint64_t ticket);
  // The last index whose entry (and every entry before it, the snapshot
  // included) is on disk.
  std::uint64_t durable_index() const;
  // The last ticket handed out (0 before any change).
  std::uint64_t last_ticket() const { return ticket_; }

 private:
  // Drops entries up to s.index (Figure 13, 6 and 7) and takes s as the snapshot.
  void compact_to(Snapshot s);
  void rewrite_wal();

  std::string snap_path_;
  Durability durability_;
  std::uint64_t term_ = 0;
  std::string vote_;
  Snapshot snap_;                  // entries_[0] is at index snap_.index + 1
  std::vector<LogEntry> entries_;
  std::string note_;
  std::uint64_t ticket_ = 0, synced_ = 0;
  std::unique_ptr<Wal> wal_;
};

}  // namespace course
