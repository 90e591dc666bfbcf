#include "raft_log.h"

#include <algorithm>
#include <cstdio>

namespace course {
namespace {

// An entry's WAL record, {"c": command, "i": index, "t": term}, written out
// around the command's text as Json::dump() would write the record.
void add_entry_line(std::string& out, std::uint64_t index, std::uint64_t term, const std::string& command) {
  out += "{\"c\":";
  out += command;
  out += ",\"i\":";
  out += std::to_string(index);
  out += ",\"t\":";
  out += std::to_string(term);
  out += "}\n";
}

}  // namespace

// On disk, raft.wal holds one JSON object per change:
//   {"term": t, "vote": "n2"}           the hard state
//   {"base": index, "t": term}          the log starts after index (a snapshot's), whose term is t
//   {"i": index, "t": term, "c": cmd}   an entry appended at index
//   {"cut": index}                      entries from index on dropped
// and raft.snap the snapshot (snapshot.h).
RaftLog::RaftLog(const std::string& dir, Durability durability) : durability_(durability) {
  if (dir.empty()) durability_ = Durability::None;
  std::string path = dir.empty() ? std::string() : dir + "/raft.wal";
  if (durability_ != Durability::None) snap_path_ = dir + "/raft.snap";
  std::size_t replayed = 0;
  // While replaying, snap_ is where the WAL says its log starts; the
  // snapshot file is reconciled with it below.
  wal_ = std::make_unique<Wal>(path, durability_, [this, &replayed, &path](const Json& r) {
    ++replayed;
    if (r.contains("term")) {
      term_ = r["term"].get<std::uint64_t>();
      vote_ = r.value("vote", "");
    } else if (r.contains("base")) {
      entries_.clear();
      snap_.index = r["base"].get<std::uint64_t>();
      snap_.term = r["t"].get<std::uint64_t>();
    } else if (r.contains("cut")) {
      std::uint64_t from = r["cut"].get<std::uint64_t>();
      if (from <= snap_.index) entries_.clear();
      else if (from <= last_index()) entries_.resize(from - snap_.index - 1);
    } else if (r.contains("i")) {
      std::uint64_t i = r["i"].get<std::uint64_t>();
      // Appends are always at the end; a record that is not is a log written
      // by something else, and replaying past it would invent a history.
      if (i != last_index() + 1) throw std::runtime_error(path + ": entry " + std::to_string(i) + " out of order");
      entries_.push_back({r["t"].get<std::uint64_t>(), r["c"].dump(), 0});
    }
  });
  if (durability_ == Durability::None) return;
  bool rewrite = replayed > 2 * entries_.size() + 1000;
  Snapshot loaded = load_snapshot(snap_path_, &note_);
  if (loaded.index > snap_.index) {
    // Saved, but the WAL not yet rewritten without the prefix (a crash
    // between the two): finish the compaction now.
    compact_to(std::move(loaded));
    rewrite = true;
  } else if (loaded.index < snap_.index) {
    note_ = "the log starts after entry " + std::to_string(snap_.index) + " but the snapshot ends at " +
            std::to_string(loaded.index) + " (lost before it reached the disk): entries " +
            std::to_string(loaded.index + 1) + " to " + std::to_string(last_index()) + " dropped";
    entries_.clear();
    snap_ = std::move(loaded);
    rewrite = true;
  } else {
    snap_.state = std::move(loaded.state);
  }
  // A log that has been cut, compacted or rewritten a lot is written again
  // as the state it holds, so a restart replays what is there and not its
  // history.
  if (rewrite) rewrite_wal();
}

std::uint64_t RaftLog::term_at(std::uint64_t index) const {
  if (index == snap_.index) return snap_.term;
  if (index < snap_.index || index > last_index()) return 0;
  return entries_[index - snap_.index - 1].term;
}

std::uint64_t RaftLog::set_hard_state(std::uint64_t term, const std::string& vote) {
  term_ = term;
  vote_ = vote;
  wal_->append({{{"term", term_}, {"vote", vote_}}}, ++ticket_);
  return ticket_;
}

std::uint64_t RaftLog::append(std::vector<LogEntry> entries) {
  std::string lines;
  ++ticket_;
  for (LogEntry& e : entries) {
    e.ticket = ticket_;
    if (durability_ != Durability::None) add_entry_line(lines, last_index() + 1, e.term, e.command);
    entries_.push_back(std::move(e));
  }
  wal_->append_lines(lines, entries.size(), ticket_);
  return ticket_;
}

std::uint64_t RaftLog::truncate_from(std::uint64_t index) {
  // What a snapshot holds is committed and never cut.
  index = std::max(index, first_index());
  if (index <= last_index()) entries_.resize(index - snap_.index - 1);
  wal_->append({{{"cut", index}}}, ++ticket_);
  return ticket_;
}

void RaftLog::compact_to(Snapshot s) {
  if (s.index >= snap_.index && s.index <= last_index() && term_at(s.index) == s.term)
    entries_.erase(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(s.index - snap_.index));
  else
    entries_.clear();
  // The vector would keep room for as many entries as it ever held.
  entries_.shrink_to_fit();
  snap_ = std::move(s);
}

void RaftLog::rewrite_wal() {
  std::string lines = Json{{"term", term_}, {"vote", vote_}}.dump() + "\n";
  std::size_t count = 1;
  if (snap_.index > 0) {
    lines += Json{{"base", snap_.index}, {"t", snap_.term}}.dump() + "\n";
    ++count;
  }
  for (std::size_t i = 0; i < entries_.size(); ++i)
    add_entry_line(lines, snap_.index + i + 1, entries_[i].term, entries_[i].command);
  wal_->rewrite_lines(lines, count + entries_.size());
  // The new file holds every change made so far.
  synced_ = ticket_;
}

bool RaftLog::save_snapshot(Snapshot s) {
  if (s.index <= snap_.index) return false;
  // The snapshot is on disk before the log loses anything it replaces.
  course::save_snapshot(snap_path_, durability_, s);
  compact_to(std::move(s));
  if (durability_ != Durability::None) rewrite_wal();
  return true;
}

void RaftLog::synced(std::uint64_t ticket) { synced_ = std::max(synced_, ticket); }

std::uint64_t RaftLog::durable_index() const {
  // Tickets never decrease along the log (appends go at the end, and what a
  // cut removes is replaced by later appends), so the durable prefix ends at
  // the last entry whose ticket has been synced.
  auto it = std::upper_bound(entries_.begin(), entries_.end(), synced_,
                             [](std::uint64_t t, const LogEntry& e) { return t < e.ticket; });
  return snap_.index + static_cast<std::uint64_t>(it - entries_.begin());
}

}  // namespace course
