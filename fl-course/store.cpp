#include "store.h"

#include <algorithm>

#include "flags.h"

namespace course {

Durability durability_from(const Flags& flags) {
  std::string d = flags.choice("durability", "fsync", {"fsync", "write", "none"});
  return d == "fsync" ? Durability::Fsync : d == "write" ? Durability::Write : Durability::None;
}

Store::Store(const std::string& dir, const std::string& name, Durability durability) {
  wal_ = std::make_unique<Wal>(dir + "/" + name + ".wal", durability, [this](const Json& r) {
    std::uint64_t s = r.value("s", std::uint64_t{0});
    if (r.contains("m")) meta_[r["m"].get<std::string>()] = r["v"];
    else if (r.contains("k") && r.contains("add")) add_in_memory(r["k"].get<std::string>(), r["add"], s);
    else if (r.contains("k")) apply(r["k"].get<std::string>(), r["v"], s);
    else if (r.contains("clear")) {
      data_.clear();
      by_seq_.clear();
      members_.clear();
    }
    if (s > seq_) seq_ = s;
  });
  wal_->loaded_up_to(seq_);
  maybe_compact();
}

void Store::maybe_compact() {
  // A log much longer than the state it holds is rewritten as that state,
  // so a key written a million times costs one record on disk, not a million.
  if (wal_->records_on_disk() <= 4 * (data_.size() + meta_.size()) + 2000) return;
  std::vector<Json> records;
  for (const auto& [k, e] : data_) records.push_back({{"s", e.seq}, {"k", k}, {"v", e.record}});
  for (const auto& [m, v] : meta_) records.push_back({{"s", seq_}, {"m", m}, {"v", v}});
  wal_->rewrite(records);
}

void Store::apply(const std::string& key, Json record, std::uint64_t seq) {
  members_.erase(key);
  Entry& e = data_[key];
  if (e.seq) by_seq_.erase(e.seq);
  e.record = std::move(record);
  e.seq = seq;
  by_seq_[seq] = key;
}

std::optional<Entry> Store::get(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = data_.find(key);
  if (it == data_.end()) return std::nullopt;
  return it->second;
}

std::uint64_t Store::put(const std::string& key, Json record) { return put_all({{key, std::move(record)}}); }

std::uint64_t Store::put_all(const std::vector<std::pair<std::string, Json>>& changes) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Json> records;
  for (const auto& [k, v] : changes) {
    ++seq_;
    records.push_back({{"s", seq_}, {"k", k}, {"v", v}});
    apply(k, v, seq_);
    remember(records.back());
  }
  wal_->append(records, seq_);
  maybe_compact();
  return seq_;
}

std::uint64_t Store::replace_all(const std::map<std::string, Json>& records) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Json> lines;
  ++seq_;
  lines.push_back({{"s", seq_}, {"clear", true}});
  data_.clear();
  by_seq_.clear();
  members_.clear();
  log_.clear();
  log_complete_after_ = seq_ + records.size();  // a snapshot cannot be shipped as changes
  for (const auto& [k, v] : records) {
    ++seq_;
    lines.push_back({{"s", seq_}, {"k", k}, {"v", v}});
    apply(k, v, seq_);
  }
  wal_->append(lines, seq_);
  return seq_;
}

Json Store::meta(const std::string& name, Json fallback) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = meta_.find(name);
  return it == meta_.end() ? fallback : it->second;
}

std::uint64_t Store::put_meta(const std::string& name, Json value) {
  std::lock_guard<std::mutex> lock(mu_);
  ++seq_;
  wal_->append({{{"s", seq_}, {"m", name}, {"v", value}}}, seq_);
  meta_[name] = std::move(value);
  return seq_;
}

void Store::sync(std::uint64_t seq) { wal_->wait(seq); }

std::uint64_t Store::last_seq() const {
  std::lock_guard<std::mutex> lock(mu_);
  return seq_;
}

std::pair<std::map<std::string, Json>, std::uint64_t> Store::snapshot_at() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, Json> out;
  for (const auto& [k, e] : data_) out[k] = e.record;
  return {out, seq_};
}

std::pair<std::vector<std::pair<std::string, Entry>>, std::uint64_t> Store::since_at(std::uint64_t seq) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::pair<std::string, Entry>> out;
  for (auto it = by_seq_.upper_bound(seq); it != by_seq_.end(); ++it) out.push_back({it->second, data_.at(it->second)});
  return {out, seq_};
}

void Store::add_in_memory(const std::string& key, const Json& value, std::uint64_t seq) {
  Entry& e = data_[key];
  if (!e.record.is_array()) {
    e.record = Json::array();
    members_.erase(key);
  }
  auto idx = members_.find(key);
  if (idx == members_.end()) {
    idx = members_.emplace(key, std::unordered_set<std::string>()).first;
    for (const Json& m : e.record) idx->second.insert(m.dump());
  }
  if (!idx->second.insert(value.dump()).second) return;
  e.record.push_back(value);
  if (e.seq) by_seq_.erase(e.seq);
  e.seq = seq;
  by_seq_[seq] = key;
}

void Store::remember(const Json& record) {
  if (!log_limit_) return;
  log_.push_back(record);
  while (log_.size() > log_limit_) {
    log_complete_after_ = log_.front()["s"].get<std::uint64_t>();
    log_.pop_front();
  }
}

void Store::keep_log(std::size_t limit) {
  std::lock_guard<std::mutex> lock(mu_);
  log_limit_ = limit;
  log_.clear();
  log_complete_after_ = seq_;
}

std::optional<std::vector<Json>> Store::log_since(std::uint64_t seq) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (!log_limit_ || seq < log_complete_after_) return std::nullopt;
  std::vector<Json> out;
  for (const Json& r : log_)
    if (r["s"].get<std::uint64_t>() > seq) out.push_back(r);
  return out;
}

std::uint64_t Store::apply_log(const std::vector<Json>& records) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Json> lines;
  for (const Json& r : records) {
    if (!r.contains("k")) continue;
    ++seq_;
    Json line = r;
    line["s"] = seq_;
    std::string key = r["k"].get<std::string>();
    if (r.contains("add")) add_in_memory(key, r["add"], seq_);
    else apply(key, r["v"], seq_);
    remember(line);
    lines.push_back(std::move(line));
  }
  if (!lines.empty()) wal_->append(lines, seq_);
  maybe_compact();
  return seq_;
}

std::vector<std::pair<std::string, Entry>> Store::with_prefix(const std::string& prefix) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::pair<std::string, Entry>> out;
  for (auto it = data_.lower_bound(prefix); it != data_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it)
    out.push_back(*it);
  return out;
}

std::uint64_t Store::add_to_set(const std::string& key, const Json& value) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = data_.find(key);
  if (it != data_.end() && it->second.record.is_array()) {
    auto idx = members_.find(key);
    bool present = idx != members_.end() ? idx->second.count(value.dump()) > 0
                                          : std::find(it->second.record.begin(), it->second.record.end(), value) !=
                                                it->second.record.end();
    if (present) return it->second.seq;
  }
  ++seq_;
  Json record = {{"s", seq_}, {"k", key}, {"add", value}};
  wal_->append({record}, seq_);
  add_in_memory(key, value, seq_);
  remember(record);
  maybe_compact();
  return seq_;
}

std::map<std::string, Json> Store::snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, Json> out;
  for (const auto& [k, e] : data_) out[k] = e.record;
  return out;
}

}  // namespace course
