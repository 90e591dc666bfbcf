#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <thread>

#include "../cluster/netns_probe.h"
#include "cluster/namespace_host.h"
#include "nemesis/fault_journal.h"
#include "nemesis/nemesis.h"
#include "nemesis/targets.h"
#include "nemesis_guard.h"
#include "tests/recording_db.h"
#include "tests/skip.h"

using namespace fl;
using fl::test::test_address;

namespace {

// A greeter process in a node's namespace: the test executable's helper case.
int spawn_greeter(Host& host, int port) {
  DaemonSpec d{"greeter", {test::self_exe()}, "/dev/null",
               {{"FL_TEST_HELPER", "greeter"}, {"FL_HELPER_PORT", std::to_string(port)}}, ""};
  int pid = host.spawn(d);
  for (int i = 0; i < 100 && !test::tcp_answers("", host.address(), port, 100); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  return pid;
}

// Signals are delivered when the process is next scheduled: wait (bounded)
// for the state to settle.
bool becomes_stopped(int pid, bool stopped) {
  for (int i = 0; i < 200; ++i) {
    if ((test::process_state(pid) == 'T') == stopped) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

}  // namespace

TEST_CASE("a paused process cannot answer and answers again after resume", "[nemesis][root]") {
  FL_REQUIRE_ROOT();
  test::NemesisCluster c(2);
  Host* n2 = c.cluster->host("n2");
  int pid = spawn_greeter(*n2, 7200);
  REQUIRE(test::tcp_answers("fl-n1", test_address(2), 7200));
  NemesisContext ctx{c.cluster->hosts(), nullptr, nullptr};
  auto pause = make_nemesis("pause", {{"target", "n2"}});
  NemesisEvent e = pause->start(ctx);
  CHECK(e.value["pids"]["n2"] == nlohmann::json({pid}));
  CHECK(becomes_stopped(pid, true));
  CHECK_FALSE(test::tcp_answers("fl-n1", test_address(2), 7200, 300));
  pause->stop(ctx);
  CHECK(becomes_stopped(pid, false));
  CHECK(test::tcp_answers("fl-n1", test_address(2), 7200));
  CHECK(journaled_faults().empty());
}

TEST_CASE("kill without a Db crashes every process in the node's namespace", "[nemesis][root]") {
  FL_REQUIRE_ROOT();
  test::NemesisCluster c(2);
  Host* n1 = c.cluster->host("n1");
  int pid = spawn_greeter(*n1, 7201);
  NemesisContext ctx{c.cluster->hosts(), nullptr, nullptr};
  auto kill = make_nemesis("kill", {{"target", "n1"}});
  kill->start(ctx);
  for (int i = 0; i < 100 && n1->alive(pid); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK_FALSE(n1->alive(pid));
  CHECK_FALSE(test::tcp_answers("", test_address(1), 7201, 200));
}

TEST_CASE("process faults go through the Db's hooks on the chosen targets", "[nemesis]") {
  FL_REQUIRE_ROOT();  // the faults are journaled under /run/faultline, which only root may write
  std::vector<std::unique_ptr<NamespaceHost>> hosts;
  std::vector<Host*> nodes;
  for (int i = 1; i <= 5; ++i) {
    hosts.push_back(std::make_unique<NamespaceHost>("n" + std::to_string(i), "fl-n" + std::to_string(i), test_address(i)));
    nodes.push_back(hosts.back().get());
  }
  test::RecordingDb db;
  std::mt19937_64 rng(2);
  NemesisContext ctx{nodes, &db, &rng};
  auto kill = make_nemesis("kill", {{"target", "majority"}});
  NemesisEvent e = kill->start(ctx);
  CHECK(e.value["nodes"].size() == 3);
  // Journaled like every other fault until its heal restarts the daemons.
  auto killed = [] {
    std::vector<nlohmann::json> v;
    for (const auto& f : journaled_faults())
      if (f.value("kind", "") == "killed") v.push_back(f);
    return v;
  };
  REQUIRE(killed().size() == 1);
  CHECK(killed()[0]["nodes"].size() == 3);
  kill->stop(ctx);
  CHECK(killed().empty());
  CHECK(db.count("kill") == 3);
  CHECK(db.count("start") == 3);
  CHECK(choose_targets(nodes, "minority", rng).size() == 2);
  CHECK(choose_targets(nodes, "all", rng).size() == 5);
  CHECK(choose_targets(nodes, "n4", rng).front()->name() == "n4");
  CHECK_THROWS_WITH(choose_targets(nodes, "most", rng), Catch::Contains("unknown target"));
}
