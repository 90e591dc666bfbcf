// Redis with Sentinel in three fl- namespaces: the clients' operations, and
// a failover when the primary dies. Needs root and redis-server /
// redis-sentinel; skipped otherwise. The options are checked without either.
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <thread>

#include <catch2/catch.hpp>

#include "cluster/local_cluster.h"
#include "cluster/process.h"
#include "systems/system.h"
#include "tests/skip.h"

using namespace fl;

namespace {

struct RedisClusterGuard {
  RedisClusterGuard() { LocalCluster::down(); }
  ~RedisClusterGuard() {
    try {
      LocalCluster::down();
    } catch (...) {
    }
  }
};

bool redis_installed() { return access("/usr/bin/redis-server", X_OK) == 0 && access("/usr/bin/redis-sentinel", X_OK) == 0; }

}  // namespace

TEST_CASE("redis options must be integers that fit, and are refused before any cluster exists", "[no-cluster]") {
  // get<int>() wrapped: port=4294967297 became port 1.
  for (const char* name : {"port", "sentinel-port", "wait", "recheck-ms"}) {
    INFO(name);
    CHECK_THROWS_AS(make_system("redis", {{name, 4294967297LL}}), std::invalid_argument);
    CHECK_THROWS_AS(make_system("redis", {{name, "6379"}}), std::invalid_argument);
  }
  CHECK(make_system("redis", {{"port", 7000}, {"wait", 1}}) != nullptr);
}

TEST_CASE("redis clients read, write, compare-and-set and add through the primary Sentinel names, and follow a failover") {
  FL_REQUIRE_ROOT();
  if (!redis_installed()) FL_SKIP("this test needs redis-server and redis-sentinel");
  RedisClusterGuard guard;
  auto cluster = LocalCluster::up(ClusterSpec{3, "10.213.93.0/24"});
  const std::string data_root = "/tmp/faultline-redis-test";
  auto system = make_system("redis", {{"data-root", data_root}, {"down-after-ms", 1000}, {"failover-timeout-ms", 3000}});
  REQUIRE(system);
  std::vector<Host*> hosts = cluster->hosts();
  struct DbGuard {
    Db& db;
    std::vector<Host*> hosts;
    std::string root;
    ~DbGuard() {
      db.teardown(hosts);
      run_process({"rm", "-rf", root});
    }
  } db_guard{system->db(), hosts, data_root};
  system->db().setup(hosts);
  for (Host* h : hosts) REQUIRE(system->db().pids(*h).size() == 1);

  ClientOptions co;
  co.timeout_s = 0.5;
  auto r = system->make_client("register", hosts[1], co);  // bound to n2; the primary is n1
  CHECK(r->invoke({"read", nullptr, std::nullopt}).value.is_null());
  CHECK(r->invoke({"write", 3, std::nullopt}).type == OpType::Ok);
  CHECK(r->invoke({"read", nullptr, std::nullopt}).value == 3);
  CHECK(r->invoke({"cas", Json::array({1, 2}), std::nullopt}).type == OpType::Fail);
  CHECK(r->invoke({"cas", Json::array({3, 4}), std::nullopt}).type == OpType::Ok);
  CHECK(r->invoke({"read", nullptr, std::nullopt}).value == 4);
  auto s = system->make_client("set", hosts[2], co);
  CHECK(s->invoke({"add", 5, std::nullopt}).type == OpType::Ok);
  CHECK(s->invoke({"add", 1, std::nullopt}).type == OpType::Ok);
  Completion read = s->invoke({"read", nullptr, std::nullopt});
  CHECK(read.type == OpType::Ok);
  CHECK(read.value == Json::array({1, 5}));

  // The primary dies: the Sentinels promote a replica, and a client asking
  // its Sentinel again writes there.
  system->db().kill(*hosts[0]);
  bool moved = false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!moved && std::chrono::steady_clock::now() < deadline) {
    auto c = system->make_client("register", hosts[1], co);
    moved = c->invoke({"write", 7, std::nullopt}).type == OpType::Ok;
    if (!moved) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  CHECK(moved);
  // The old primary restarts as a replica of the new one.
  system->db().start(*hosts[0]);
  CHECK(system->db().pids(*hosts[0]).size() == 1);
  system->db().teardown(hosts);
  for (Host* h : hosts) CHECK(system->db().pids(*h).empty());
}
