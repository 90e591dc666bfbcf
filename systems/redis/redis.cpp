// The redis system: RedisDb (a primary, replicas and Sentinels) on the nodes,
// RedisClient for the register and set workloads. Options (--opt K=V):
//   wait=N            WAIT for N replicas after every write (default 0: no WAIT)
//   wait-timeout-ms   how long WAIT may block (default 500)
//   recheck-ms        how often a client asks its Sentinel for the primary again (1000)
//   down-after-ms, failover-timeout-ms   Sentinel's timers (2000, 6000)
//   appendfsync       always, everysec (Redis's default) or no: when the AOF is fsynced
//   port, sentinel-port, data-root, server, sentinel   where and what runs
// (the registry refuses any other, naming these)
#include <algorithm>
#include <limits>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>

#include "systems/redis/redis_client.h"
#include "systems/redis/redis_db.h"
#include "systems/system.h"

namespace fl {
namespace {

class RedisSystem : public System {
 public:
  RedisSystem(RedisOptions opts, int wait, int wait_timeout_ms, int recheck_ms)
      : db_(std::move(opts)), wait_(wait), wait_timeout_ms_(wait_timeout_ms), recheck_ms_(recheck_ms) {}
  std::string name() const override { return "redis"; }
  std::vector<std::string> workloads() const override { return {"register", "set"}; }
  Db& db() override { return db_; }
  std::unique_ptr<Client> make_client(const std::string& workload, Host* node, const ClientOptions& opts) override {
    if (!node) throw std::invalid_argument("a redis client needs a node");
    RedisClientOptions o;
    o.sentinel_host = node->address();
    o.sentinel_port = db_.options().sentinel_port;
    o.master_name = db_.options().master_name;
    o.timeout_s = opts.timeout_s;
    o.wait = wait_;
    o.wait_timeout_ms = wait_timeout_ms_;
    o.recheck_s = recheck_ms_ / 1000.0;
    o.set = workload == "set";
    o.key = o.set ? "fl/set" : "fl/register";
    return std::make_unique<RedisClient>(std::move(o));
  }

 private:
  RedisDb db_;
  int wait_;
  int wait_timeout_ms_;
  int recheck_ms_;
};

int int_option(const nlohmann::json& options, const char* name, int fallback) {
  if (!options.contains(name)) return fallback;
  const auto& v = options[name];
  // get<int>() would wrap a larger integer (port 4294967297 → 1).
  if (v.is_number_integer() && v >= std::numeric_limits<int>::min() && v <= std::numeric_limits<int>::max())
    return v.get<int>();
  throw std::invalid_argument(fmt::format("the redis option {} must be a 32-bit integer, not {}", name, v.dump()));
}

}  // namespace

std::unique_ptr<System> make_redis_system(const nlohmann::json& given) {
  RedisOptions o;
  int wait = 0, wait_timeout_ms = 500, recheck_ms = 1000;
  const nlohmann::json& options = given;
  if (options.is_object()) {
    wait = int_option(options, "wait", wait);
    wait_timeout_ms = int_option(options, "wait-timeout-ms", wait_timeout_ms);
    recheck_ms = int_option(options, "recheck-ms", recheck_ms);
    o.down_after_ms = int_option(options, "down-after-ms", o.down_after_ms);
    o.failover_timeout_ms = int_option(options, "failover-timeout-ms", o.failover_timeout_ms);
    o.port = int_option(options, "port", o.port);
    o.sentinel_port = int_option(options, "sentinel-port", o.sentinel_port);
    o.data_root = options.value("data-root", o.data_root);
    o.server = options.value("server", o.server);
    o.sentinel = options.value("sentinel", o.sentinel);
    o.healthy_within_s = options.value("healthy-within-s", o.healthy_within_s);
    o.appendfsync = options.value("appendfsync", o.appendfsync);
  }
  if (o.appendfsync != "always" && o.appendfsync != "everysec" && o.appendfsync != "no")
    throw std::invalid_argument(
        fmt::format("the redis option appendfsync must be always, everysec or no, not {}", o.appendfsync));
  if (wait < 0 || wait_timeout_ms < 0 || recheck_ms < 0)
    throw std::invalid_argument("the redis options wait, wait-timeout-ms and recheck-ms must not be negative");
  return std::make_unique<RedisSystem>(std::move(o), wait, wait_timeout_ms, recheck_ms);
}

}  // namespace fl
