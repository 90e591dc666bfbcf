// etcd in one fl- namespace: the client's outcomes, classified honestly.
// Needs root; reported skipped otherwise.
#include <csignal>
#include <thread>

#include <catch2/catch.hpp>

#include "tests/skip.h"

#include "cluster/local_cluster.h"
#include "systems/system.h"

using namespace fl;

namespace {

struct ClusterGuard {
  ClusterGuard() { LocalCluster::down(); }
  ~ClusterGuard() {
    try {
      LocalCluster::down();
    } catch (...) {
    }
  }
};

}  // namespace

TEST_CASE("the etcd client reads, writes and compares-and-sets, and says fail only when nothing happened") {
  FL_REQUIRE_ROOT();
  ClusterGuard guard;
  auto cluster = LocalCluster::up(ClusterSpec{1, ClusterSpec{}.subnet});
  auto system = make_system("etcd", {{"data-root", "/tmp/faultline-etcd-test"}});
  REQUIRE(system);
  Host* n1 = cluster->hosts().at(0);
  struct DbGuard {
    Db& db;
    std::vector<Host*> hosts;
    ~DbGuard() { db.teardown(hosts); }
  } db_guard{system->db(), cluster->hosts()};
  system->db().setup(cluster->hosts());
  REQUIRE_FALSE(system->db().pids(*n1).empty());

  ClientOptions co;
  co.timeout_s = 0.5;
  auto c = system->make_client("register", n1, co);
  Completion r = c->invoke({"read", nullptr, std::nullopt});
  CHECK(r.type == OpType::Ok);
  CHECK(r.value.is_null());
  CHECK(c->invoke({"write", 3, std::nullopt}).type == OpType::Ok);
  CHECK(c->invoke({"read", nullptr, std::nullopt}).value == 3);
  Completion failed_cas = c->invoke({"cas", Json::array({1, 2}), std::nullopt});
  CHECK(failed_cas.type == OpType::Fail);
  CHECK(failed_cas.error == "compare failed");
  CHECK(c->invoke({"cas", Json::array({3, 4}), std::nullopt}).type == OpType::Ok);
  CHECK(c->invoke({"read", nullptr, std::nullopt}).value == 4);

  auto kv = system->make_client("kv", n1, co);
  CHECK(kv->invoke({"write", 9, Json(17)}).type == OpType::Ok);
  CHECK(kv->invoke({"read", nullptr, Json(17)}).value == 9);
  CHECK(kv->invoke({"read", nullptr, Json(18)}).value.is_null());

  // A frozen server: the request was sent and never answered — info.
  system->db().pause(*n1);
  Completion frozen = c->invoke({"write", 1, std::nullopt});
  system->db().resume(*n1);
  CHECK(frozen.type == OpType::Info);

  // A dead server refuses a fresh connection: nothing was sent — fail. But a
  // client whose kept-alive connection died may have sent on it — info.
  auto warm = system->make_client("register", n1, co);
  REQUIRE(warm->invoke({"read", nullptr, std::nullopt}).type == OpType::Ok);
  system->db().kill(*n1);
  for (int i = 0; i < 50 && !system->db().pids(*n1).empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  // While the dying process's listening socket still exists, a connection can
  // be accepted and then reset — rightly info. Once it is gone, a fresh
  // connection is refused outright, and that must be fail.
  Completion refused;
  for (int i = 0; i < 100; ++i) {
    auto fresh = system->make_client("register", n1, co);
    refused = fresh->invoke({"write", 2, std::nullopt});
    if (refused.type != OpType::Info) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  INFO("refused: " << refused.error);
  CHECK(refused.type == OpType::Fail);
  CHECK(warm->invoke({"write", 2, std::nullopt}).type == OpType::Info);
}
