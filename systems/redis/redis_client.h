// RedisClient: one logical process's client, bound to one node the way a
// Sentinel-aware Redis client is: it asks that node's Sentinel which server
// is the primary and sends every command there, asking again every
// `recheck_s` (as clients that follow Sentinel's +switch-master announcements
// move within moments of a failover) and after a lost connection or a
// READONLY refusal. A client whose Sentinel does not answer keeps the
// primary it has. Register: GET, SET, and compare-and-set
// as one Lua script (atomic on the server). Set: SADD and SMEMBERS. With
// `wait` > 0, every acknowledged write is followed by WAIT <wait>; a write
// that fewer replicas confirm in time is Info (it happened on the primary and
// may yet be lost). Outcomes as Jepsen classifies them: no connection, or an
// error reply, is Fail (nothing ran); a lost connection or a timeout after
// sending a write is Info; a read that did not answer is Fail (it had no effect).
// Not thread-safe: one client per process.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "workloads/workload.h"

namespace fl {

class RedisConnection;

struct RedisClientOptions {
  std::string sentinel_host;       // the node this client is bound to
  int sentinel_port = 26379;
  std::string master_name = "fl";
  std::string key = "fl/register";
  bool set = false;                // the key holds a set (SMEMBERS reads), not a string
  double timeout_s = 1.0;
  int wait = 0;                    // replicas to WAIT for after each write (0: no WAIT)
  int wait_timeout_ms = 500;
  double recheck_s = 1.0;          // ask Sentinel again after this long
};

class RedisClient : public Client {
 public:
  explicit RedisClient(RedisClientOptions opts);
  ~RedisClient() override;
  Completion invoke(const OpSpec& op) override;

 private:
  // Connection to the primary this node's Sentinel names; nullptr with `why` set if none.
  RedisConnection* primary(std::string& why);
  Completion write_outcome(const Completion& applied);
  RedisClientOptions opts_;
  std::unique_ptr<RedisConnection> sentinel_;
  std::unique_ptr<RedisConnection> primary_;
  std::chrono::steady_clock::time_point checked_{};
};

}  // namespace fl
