// LocalKv: the course protocol's register and set operations applied to
// this node's own Store — each one atomic (one lock around read-modify-write)
// and durable before it answers (Store::sync). The building block of every
// design that has one authoritative copy (single, the primary of
// primary-backup). A register's record is its value; a set's is a JSON array
// of its elements. Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <utility>
#include <vector>

#include "peers.h"
#include "protocol.h"
#include "store.h"

namespace course {

// An answer plus the Store seq of the change it made (0 = none).
struct Applied {
  Reply reply;
  std::uint64_t seq = 0;
};

class LocalKv {
 public:
  explicit LocalKv(Store& store) : store_(store) {}
  Applied read(const std::string& key);
  Applied write(const std::string& key, const Json& value);
  Applied cas(const std::string& key, const Json& from, const Json& to);
  Applied add(const std::string& key, const Json& value);
  // Runs a forwarded request {"f": "read|write|cas|add", "key", "value", "from", "to"}.
  Applied apply(const Json& op);
  // A replica taking another node's changes or whole state, atomically with
  // respect to the operations above; durable when they return.
  void apply_log(const std::vector<Json>& records);
  void replace_all(const std::map<std::string, Json>& state);

 private:
  Store& store_;
  std::mutex mu_;
};

// The same request as JSON, to forward it to another node.
Json kv_request(const std::string& f, const std::string& key, const Json& value = nullptr,
                const Json& from = nullptr, const Json& to = nullptr);

// What a forwarded call means for the client: the peer's own answer, or 503
// if it certainly never reached the peer, or 504 if it may have.
Reply relay(const Call& c, const std::string& leader);

}  // namespace course
