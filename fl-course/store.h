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
#include <deque>
#include <unordered_set>
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
  std::map<std::string, Json> snapshot() const;
  // Every key that starts with `prefix`, in key order.
  std::vector<std::pair<std::string, Entry>> with_prefix(const std::string& prefix) const;
  // The whole state and the seq it is current at, taken atomically.
  std::pair<std::map<std::string, Json>, std::uint64_t> snapshot_at() const;

  // Every key changed after `seq` with its current record, oldest change
  // first, and the seq they are current at, taken atomically: applying them
  // to a copy that was current at `seq` makes it current at the returned
  // seq — exactly the state this node had then (state-based gossip).
  std::pair<std::vector<std::pair<std::string, Entry>>, std::uint64_t> since_at(std::uint64_t seq) const;

  // Log shipping: keep the last `limit` data records of the log in memory
  // (a write is its value, an add only its element), so a primary can send
  // a backup exactly the changes after what it has. log_since(seq) gives
  // them, or nullopt when some are no longer kept (send a snapshot instead).
  // apply_log() makes another node's records this node's own changes.
  void keep_log(std::size_t limit);
  std::optional<std::vector<Json>> log_since(std::uint64_t seq) const;
  std::uint64_t apply_log(const std::vector<Json>& records);

  // Adds `value` to the set (a JSON array) at `key` unless it is there
  // already; the log records only the element, so a growing set costs
  // O(1) on disk per add. Returns the seq to sync (the entry's own if the
  // element was there).
  std::uint64_t add_to_set(const std::string& key, const Json& value);

 private:
  void apply(const std::string& key, Json record, std::uint64_t seq);
  mutable std::mutex mu_;
  std::map<std::string, Entry> data_;
  std::map<std::uint64_t, std::string> by_seq_;  // latest change of each key
  std::map<std::string, Json> meta_;
  std::uint64_t seq_ = 0;
  // Members of set-valued keys (their elements' JSON text), built on first add.
  std::map<std::string, std::unordered_set<std::string>> members_;
  void add_in_memory(const std::string& key, const Json& value, std::uint64_t seq);
  void remember(const Json& record);
  void maybe_compact();
  std::size_t log_limit_ = 0;
  std::deque<Json> log_;
  std::uint64_t log_complete_after_ = 0;  // every data record after this seq is in log_
  std::unique_ptr<Wal> wal_;
};

// Durability from --durability fsync|write|none (throws FlagError).
class Flags;
Durability durability_from(const Flags& flags);

}  // namespace course
