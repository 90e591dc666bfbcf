// lww-kv: a last-write-wins key-value store of `replicas` independent
// copies, after Maelstrom's (deliberately weak) one. Each request goes to one
// replica, picked at random, which answers from its own copy: a write (or a
// cas that holds on that copy) stamps the value with the replica's clock —
// the service's clock plus a fixed skew of up to ±skew_ms per replica, so
// clocks are only roughly synchronized. Every gossip_ms each replica sends
// its copy to the next (a ring), which keeps, key by key, the value with the higher
// stamp (ties: the higher replica). So reads may be stale, a cas may hold on
// a stale copy, and concurrent writes lose all but one, yet once writes stop
// every copy converges. Pure (the caller passes the time); not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "kv.h"

namespace mservice {

class LwwKv {
 public:
  LwwKv(int replicas, std::int64_t gossip_ms, std::int64_t skew_ms, std::uint64_t seed);
  Json handle(const Json& body, std::int64_t now_ms);
  // Runs the gossip due by now_ms.
  void tick(std::int64_t now_ms);
  int replicas() const { return static_cast<int>(replicas_.size()); }

 private:
  struct Stamped {
    Json value;
    std::int64_t stamp;
    int replica;
  };
  struct Replica {
    std::int64_t skew_ms = 0;
    std::map<std::string, Stamped> copy;
  };
  static bool newer(const Stamped& a, const Stamped& b) {
    return a.stamp != b.stamp ? a.stamp > b.stamp : a.replica > b.replica;
  }
  std::vector<Replica> replicas_;
  std::int64_t gossip_ms_;
  std::int64_t next_gossip_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace mservice
