#include "store.h"

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
    else if (r.contains("k")) apply(r["k"].get<std::string>(), r["v"], s);
    else if (r.contains("clear")) {
      data_.clear();
      by_seq_.clear();
    }
    if (s > seq_) seq_ = s;
  });
  wal_->loaded_up_to(seq_);
  // A log much longer than the state it holds is rewritten as that state.
  if (wal_->records_on_disk() > 4 * (data_.size() + meta_.size()) + 1000) {
    std::vector<Json> records;
    for (const auto& [k, e] : data_) records.push_back({{"s", e.seq}, {"k", k}, {"v", e.record}});
    for (const auto& [m, v] : meta_) records.push_back({{"s", seq_}, {"m", m}, {"v", v}});
    wal_->rewrite(records);
  }
}

void Store::apply(const std::string& key, Json record, std::uint64_t seq) {
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
  }
  wal_->append(records, seq_);
  return seq_;
}

std::uint64_t Store::replace_all(const std::map<std::string, Json>& records) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Json> lines;
  ++seq_;
  lines.push_back({{"s", seq_}, {"clear", true}});
  data_.clear();
  by_seq_.clear();
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

std::vector<std::pair<std::string, Entry>> Store::since(std::uint64_t seq) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::pair<std::string, Entry>> out;
  for (auto it = by_seq_.upper_bound(seq); it != by_seq_.end(); ++it) out.push_back({it->second, data_.at(it->second)});
  return out;
}

std::map<std::string, Json> Store::snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, Json> out;
  for (const auto& [k, e] : data_) out[k] = e.record;
  return out;
}

}  // namespace course
