// kill-majority-pause-rest: the majority it kills holds the leader, is
// restarted at once, and the other nodes stay paused until the heal.
#include <catch2/catch.hpp>
#include <algorithm>

#include "cluster/namespace_host.h"
#include "nemesis/fault_journal.h"
#include "nemesis/nemesis.h"
#include "tests/recording_db.h"
#include "tests/skip.h"

using namespace fl;

namespace {

// Nodes k1..k3 (not n1..n3: the fault journal is machine-wide, and a
// cluster run may journal its own faults meanwhile).
std::size_t journaled_kind(const std::string& kind) {
  std::size_t n = 0;
  for (const auto& f : journaled_faults())
    n += f.value("kind", "") == kind && f.value("nodes", nlohmann::json::array()).dump().find("\"k") != std::string::npos;
  return n;
}

}  // namespace

TEST_CASE("kill-majority-pause-rest kills and restarts a majority holding the leader while the rest stays paused",
          "[nemesis]") {
  FL_REQUIRE_ROOT();  // the faults are journaled under /run/faultline, which only root may write
  std::vector<std::unique_ptr<NamespaceHost>> hosts;
  std::vector<Host*> nodes;
  for (int i = 1; i <= 3; ++i) {
    hosts.push_back(std::make_unique<NamespaceHost>("k" + std::to_string(i), "fl-k" + std::to_string(i),
                                                    "10.250.0." + std::to_string(i)));
    nodes.push_back(hosts.back().get());
  }
  for (std::uint64_t seed = 0; seed < 4; ++seed) {
    test::RecordingDb db("k3");  // names k3 as its leader
    std::mt19937_64 rng(seed);
    NemesisContext ctx{nodes, &db, &rng};
    auto n = make_nemesis("kill-majority-pause-rest");
    NemesisEvent e = n->start(ctx);
    CHECK(e.f == "start-kill-majority-pause-rest");
    REQUIRE(e.value["killed"].size() == 2);
    REQUIRE(e.value["paused"].size() == 1);
    CHECK(std::count(e.value["killed"].begin(), e.value["killed"].end(), "k3") == 1);
    CHECK(e.value["restarted_leader"] == nlohmann::json::array({"k3"}));
    std::string rest = e.value["paused"][0];
    for (const auto& k : e.value["killed"]) {
      CHECK(db.count("kill " + k.get<std::string>()) == 1);
      CHECK(db.count("start " + k.get<std::string>()) == 1);  // restarted at once, not on heal
    }
    CHECK(db.count("pause " + rest) == 1);
    CHECK(db.count("resume " + rest) == 0);
    // The rest was frozen before the majority died.
    CHECK(db.calls().front() == "pause " + rest);
    CHECK(journaled_kind("paused") == 1);
    CHECK(journaled_kind("killed") == 0);
    NemesisEvent s = n->stop(ctx);
    CHECK(s.value["resumed"] == nlohmann::json::array({rest}));
    CHECK(db.count("resume " + rest) == 1);
    CHECK(journaled_kind("paused") == 0);
  }
}

TEST_CASE("kill-majority-pause-rest needs a system's Db", "[nemesis][no-cluster]") {
  auto n = make_nemesis("kill-majority-pause-rest");
  CHECK_THAT(n->unavailable(nullptr), Catch::Contains("faultline test"));
}
