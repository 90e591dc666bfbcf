// seq-kv: a sequentially consistent key-value store, built as a primary and
// a read replica that trails it by `lag_ms`. Every update (write, cas, a cas
// that fails) runs on the primary, in arrival order: that order is the total
// order. A read runs on the replica — the state as of the last update at
// least lag_ms old — except that each client (a message's "src") carries a
// session position, the latest state it has seen, and never reads an older
// one: an update moves it to the primary's newest state, a read to the state
// it read. So a client sees its own writes and never goes back in time, yet
// reads another client's write only lag_ms after it (or once it updates
// something itself): Maelstrom's promise for seq-kv, and no more. Pure (the
// caller passes the time), so tests drive it; not thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "kv.h"

namespace mservice {

class SeqKv {
 public:
  explicit SeqKv(std::int64_t lag_ms) : lag_ms_(lag_ms) {}
  // The answer to one request of `client` at time `now_ms` (monotonic).
  Json handle(const std::string& client, const Json& body, std::int64_t now_ms);

 private:
  struct Version {
    std::uint64_t seq;  // the update that wrote it
    Json value;
  };
  void settle(std::int64_t now_ms);
  void record(const std::string& key, std::int64_t now_ms);

  std::int64_t lag_ms_;
  Map primary_;                                      // the newest state
  std::map<std::string, std::vector<Version>> versions_;  // per key: the versions a read may still see
  std::uint64_t seq_ = 0;                            // updates so far
  std::uint64_t settled_ = 0;                        // the replica's position: the last update ≥ lag_ms old
  std::deque<std::pair<std::uint64_t, std::int64_t>> recent_;  // (update, time) not yet settled
  std::map<std::string, std::uint64_t> session_;     // client -> the newest state it has seen
};

}  // namespace mservice
