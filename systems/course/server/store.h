// Store: a node's durable map of keys to JSON records, on a Wal in its data
// directory, reloaded when the node restarts. Every change gets a sequence
// number (the node's own, growing, kept across restarts), so a design can
// ship "everything that changed since n" to a peer (replication, gossip).
// put() applies at once in memory and queues the change for disk; sync(seq)
// waits until that change is durable. A design answers a client only after
// sync() — of its write, and of the value a read returns — so nothing it
// acknowledged or showed can vanish when the node is killed. Designs make
// read-modify-write atomic under their own lock, then sync() outside it, so
// concurrent writers share one fsync. "meta" holds a design's own state
// (an epoch, a clock) in the same log. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "wal.h"

namespace course {

struct Entry {
  Json record;
  std::uint64_t seq = 0;
};

class Store {
 public:
  // Loads <dir>/<name>.wal (creating it); compacts it if it has grown long.
  Store(const std::string& dir, const std::string& name, Durability durability);

  std::optional<Entry> get(const std::string& key) const;
  // Applies in memory now; returns the change's seq for sync().
  std::uint64_t put(const std::string& key, Json record);
  // Several changes as one (one seq range, one disk write); returns the last seq.
  std::uint64_t put_all(const std::vector<std::pair<std::string, Json>>& changes);
  // Replaces every key (e.g. a node adopting another's state); returns the seq.
  std::uint64_t replace_all(const std::map<std::string, Json>& records);
  Json meta(const std::string& name, Json fallback = nullptr) const;
  std::uint64_t put_meta(const std::string& name, Json value);
  void sync(std::uint64_t seq);

  std::uint64_t last_seq() const;
  // Every key changed after `seq`, with its current record, oldest change first.
  std::vector<std::pair<std::string, Entry>> since(std::uint64_t seq) const;
  std::map<std::string, Json> snapshot() const;

 private:
  void apply(const std::string& key, Json record, std::uint64_t seq);
  mutable std::mutex mu_;
  std::map<std::string, Entry> data_;
  std::map<std::uint64_t, std::string> by_seq_;  // latest change of each key
  std::map<std::string, Json> meta_;
  std::uint64_t seq_ = 0;
  std::unique_ptr<Wal> wal_;
};

// Durability from --durability fsync|write|none (throws FlagError).
class Flags;
Durability durability_from(const Flags& flags);

}  // namespace course
