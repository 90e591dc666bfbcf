// Hidden helper cases ([.helper]): the test executable re-runs itself as a
// separate process for the tests that need one — a server to freeze, and a
// faultline process to SIGKILL while its faults are applied. They never run
// in the normal test run.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <random>
#include <thread>

#include "../cluster/netns_probe.h"
#include "cluster/local_cluster.h"
#include "nemesis/nemesis.h"

using namespace fl;

TEST_CASE("helper: greeter process", "[.helper]") {
  const char* port = std::getenv("FL_HELPER_PORT");
  REQUIRE(port);
  test::TcpGreeter g("", std::atoi(port));
  while (true) std::this_thread::sleep_for(std::chrono::seconds(1));
}

TEST_CASE("helper: apply faults then wait to be killed", "[.helper]") {
  auto cluster = LocalCluster::existing();
  REQUIRE(cluster);
  std::mt19937_64 rng(1);
  NemesisContext ctx{cluster->hosts(), nullptr, &rng};
  std::vector<std::unique_ptr<Nemesis>> active;
  active.push_back(make_nemesis("partition-halves"));
  active.push_back(make_nemesis("loss", {{"loss", 20}}));
  active.push_back(make_nemesis("rate"));
  active.push_back(make_nemesis("clock", {{"target", "n1"}, {"offset_s", 30}}));
  active.push_back(make_nemesis("pause", {{"target", "n2"}}));
  for (auto& n : active) n->start(ctx);
  std::ofstream(std::getenv("FL_HELPER_READY")) << "ready\n";
  while (true) std::this_thread::sleep_for(std::chrono::seconds(1));
}
