#include "raft_log.h"

#include <algorithm>

namespace course {

// On disk, one JSON object per change:
//   {"term": t, "vote": "n2"}           the hard state
//   {"i": index, "t": term, "c": cmd}   an entry appended at index
//   {"cut": index}                      entries from index on dropped
RaftLog::RaftLog(const std::string& dir, Durability durability) {
  if (dir.empty()) durability = Durability::None;
  std::string path = dir.empty() ? std::string() : dir + "/raft.wal";
  std::size_t replayed = 0;
  wal_ = std::make_unique<Wal>(path, durability, [this, &replayed, &path](const Json& r) {
    ++replayed;
    if (r.contains("term")) {
      term_ = r["term"].get<std::uint64_t>();
      vote_ = r.value("vote", "");
    } else if (r.contains("cut")) {
      std::uint64_t from = r["cut"].get<std::uint64_t>();
      if (from >= 1 && from <= entries_.size()) entries_.resize(from - 1);
    } else if (r.contains("i")) {
      std::uint64_t i = r["i"].get<std::uint64_t>();
      // Appends are always at the end; a record that is not is a log written
      // by something else, and replaying past it would invent a history.
      if (i != entries_.size() + 1) throw std::runtime_error(path + ": entry " + std::to_string(i) + " out of order");
      entries_.push_back({r["t"].get<std::uint64_t>(), r["c"], 0});
    }
  });
  // A log that has been cut and rewritten a lot is written again as the state
  // it holds, so a restart replays what is there and not its history.
  if (durability != Durability::None && replayed > 2 * entries_.size() + 1000) {
    std::vector<Json> records = {{{"term", term_}, {"vote", vote_}}};
    for (std::size_t i = 0; i < entries_.size(); ++i)
      records.push_back({{"i", i + 1}, {"t", entries_[i].term}, {"c", entries_[i].command}});
    wal_->rewrite(records);
  }
}

std::uint64_t RaftLog::term_at(std::uint64_t index) const {
  if (index == 0 || index > entries_.size()) return 0;
  return entries_[index - 1].term;
}

std::uint64_t RaftLog::set_hard_state(std::uint64_t term, const std::string& vote) {
  term_ = term;
  vote_ = vote;
  wal_->append({{{"term", term_}, {"vote", vote_}}}, ++ticket_);
  return ticket_;
}

std::uint64_t RaftLog::append(std::vector<LogEntry> entries) {
  std::vector<Json> records;
  records.reserve(entries.size());
  ++ticket_;
  for (LogEntry& e : entries) {
    e.ticket = ticket_;
    records.push_back({{"i", entries_.size() + 1}, {"t", e.term}, {"c", e.command}});
    entries_.push_back(std::move(e));
  }
  wal_->append(records, ticket_);
  return ticket_;
}

std::uint64_t RaftLog::truncate_from(std::uint64_t index) {
  if (index < 1) index = 1;
  if (index <= entries_.size()) entries_.resize(index - 1);
  wal_->append({{{"cut", index}}}, ++ticket_);
  return ticket_;
}

void RaftLog::synced(std::uint64_t ticket) { synced_ = std::max(synced_, ticket); }

std::uint64_t RaftLog::durable_index() const {
  // Tickets never decrease along the log (appends go at the end, and what a
  // cut removes is replaced by later appends), so the durable prefix ends at
  // the last entry whose ticket has been synced.
  auto it = std::upper_bound(entries_.begin(), entries_.end(), synced_,
                             [](std::uint64_t t, const LogEntry& e) { return t < e.ticket; });
  return static_cast<std::uint64_t>(it - entries_.begin());
}

}  // namespace course
