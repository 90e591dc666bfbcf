#include <catch2/catch.hpp>
#include <filesystem>

#include "cluster/journal.h"
#include "cluster/local_cluster.h"
#include "cluster/namespace_host.h"
#include "cluster/process.h"
#include "netns_probe.h"
#include "root_guard.h"

using namespace fl;
using fl::test::test_address;

namespace {

bool link_exists(const std::string& name) { return run_process({"ip", "link", "show", "dev", name}).ok(); }

ClusterSpec test_spec(int n) {
  ClusterSpec s;
  s.nodes = n;
  s.subnet = fl::test::kTestSubnet;
  return s;
}

}  // namespace

TEST_CASE("cluster up connects the root namespace to every node and the nodes to each other", "[cluster][root]") {
  FL_REQUIRE_ROOT();
  test::ClusterGuard guard;
  auto cluster = LocalCluster::up(test_spec(3));
  REQUIRE(cluster->hosts().size() == 3);
  CHECK(cluster->host("n2")->address() == test_address(2));
  test::TcpGreeter g2("fl-n2", 7001), g3("fl-n3", 7001);
  CHECK(test::tcp_answers("", test_address(2), 7001));
  CHECK(test::tcp_answers("fl-n1", test_address(2), 7001));
  CHECK(test::tcp_answers("fl-n2", test_address(3), 7001));
  CHECK(test::tcp_answers("fl-n3", test_address(2), 7001));
  // Nothing listens on n1: the connection is refused, not silently lost.
  CHECK_FALSE(test::tcp_connects("fl-n2", test_address(1), 7001));
}

TEST_CASE("cluster up journals every resource and down removes exactly those, safely twice", "[cluster][root]") {
  FL_REQUIRE_ROOT();
  test::ClusterGuard guard;
  LocalCluster::up(test_spec(2));
  auto j = journal::read("cluster.json");
  REQUIRE(j);
  CHECK((*j)["state"] == "up");
  CHECK((*j)["nodes"].size() == 2);
  CHECK((*j)["nodes"][1]["netns"] == "fl-n2");
  CHECK(std::filesystem::exists("/run/netns/fl-n1"));
  CHECK(link_exists("fl-br0"));
  REQUIRE(LocalCluster::existing());
  CHECK(LocalCluster::existing()->spec().nodes == 2);

  auto removed = LocalCluster::down();
  CHECK_FALSE(removed.empty());
  CHECK_FALSE(std::filesystem::exists("/run/netns/fl-n1"));
  CHECK_FALSE(std::filesystem::exists("/run/netns/fl-n2"));
  CHECK_FALSE(link_exists("fl-br0"));
  CHECK_FALSE(link_exists("fl-v1"));
  CHECK_FALSE(journal::read("cluster.json"));
  CHECK_FALSE(LocalCluster::existing());
  CHECK(LocalCluster::down().empty());
}

TEST_CASE("cluster up refuses, with the fix, while a cluster is up", "[cluster][root]") {
  FL_REQUIRE_ROOT();
  test::ClusterGuard guard;
  LocalCluster::up(test_spec(1));
  CHECK_THROWS_AS(LocalCluster::up(test_spec(1)), EnvironmentError);
  CHECK_THROWS_WITH(LocalCluster::up(test_spec(1)), Catch::Contains("faultline cluster down"));
}

TEST_CASE("cluster down cleans up after a crash halfway through up", "[cluster][root]") {
  FL_REQUIRE_ROOT();
  test::ClusterGuard guard;
  // What a crash right after the journal entry and the first namespace leaves.
  journal::write("cluster.json", {{"spec", {{"nodes", 2}, {"subnet", fl::test::kTestSubnet}}},
                                  {"bridge", "fl-br0"},
                                  {"state", "creating"},
                                  {"nodes",
                                   {{{"name", "n1"}, {"netns", "fl-n1"}, {"veth", "fl-v1"}, {"address", test_address(1)}},
                                    {{"name", "n2"}, {"netns", "fl-n2"}, {"veth", "fl-v2"}, {"address", test_address(2)}}}}});
  REQUIRE(run_process({"ip", "netns", "add", "fl-n1"}).ok());
  CHECK_FALSE(LocalCluster::existing());  // not up: creation never finished
  LocalCluster::down();
  CHECK_FALSE(std::filesystem::exists("/run/netns/fl-n1"));
  CHECK_FALSE(journal::read("cluster.json"));
}

TEST_CASE("a namespace host runs commands and daemons inside its namespace", "[cluster][root]") {
  FL_REQUIRE_ROOT();
  test::ClusterGuard guard;
  auto cluster = LocalCluster::up(test_spec(2));
  auto* n2 = dynamic_cast<NamespaceHost*>(cluster->host("n2"));
  REQUIRE(n2);
  RunResult r = n2->run_checked({"ip", "-4", "-o", "addr", "show", "dev", "eth0"});
  CHECK(r.out.find(test_address(2) + "/24") != std::string::npos);
  CHECK_THROWS_AS(n2->run_checked({"false"}), ClusterError);

  DaemonSpec d{"sleeper", {"sleep", "30"}, "/tmp/fl-test-sleeper.log", {}, ""};
  int pid = n2->spawn(d);
  CHECK(n2->alive(pid));
  auto pids = n2->pids();
  CHECK(std::find(pids.begin(), pids.end(), pid) != pids.end());
  CHECK(cluster->host("n1")->alive(pid));  // the pid is global; alive() needs no namespace
  n2->stop(pid, std::chrono::milliseconds(500));
  CHECK_FALSE(n2->alive(pid));
  CHECK(n2->pids().empty());
  std::remove("/tmp/fl-test-sleeper.log");
}
