// Ownership of the local cluster: the journal names the process that made
// it, and neither `faultline cluster down` nor a test's cleanup takes the
// cluster of an owner that still runs, unless forced.
#include <unistd.h>

#include <csignal>

#include <catch2/catch.hpp>
#include <filesystem>

#include "cluster/journal.h"
#include "cluster/local_cluster.h"
#include "cluster/owner.h"
#include "cluster/process.h"
#include "root_guard.h"

using namespace fl;

namespace {

RunResult owner_cli(const Argv& args) {
  Argv argv = {FL_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv);
}

ClusterSpec one_node() {
  ClusterSpec s;
  s.nodes = 1;
  s.subnet = test::kTestSubnet;
  return s;
}

// Makes the journaled cluster look as if `pid` (with that start time) owned it.
void hand_to(int pid, std::uint64_t start_ticks) {
  journal::update("cluster.json", [&](nlohmann::json& j) {
    j["owner"] = {{"pid", pid}, {"start_ticks", start_ticks}, {"command", "faultline test --system etcd"},
                  {"since", "2024-05-01 12:00:00"}};
  });
}

// Another live process, for as long as the test needs one.
struct Sleeper {
  int pid = spawn_daemon({"sleep", "60"}, "/dev/null");
  ~Sleeper() { stop_process(pid, std::chrono::milliseconds(100)); }
};

}  // namespace

TEST_CASE("the cluster journal names its owner: this process, by pid and start time", "[cluster][root]") {
  FL_REQUIRE_ROOT();
  test::ClusterGuard guard;
  LocalCluster::up(one_node());
  auto owner = LocalCluster::owner();
  REQUIRE(owner);
  CHECK(owner->pid == getpid());
  CHECK(owner->start_ticks == process_start_ticks(getpid()));
  CHECK(owner->start_ticks > 0);
  CHECK(owner->is_self());
  CHECK(owner->command.find("test_cluster") != std::string::npos);
}

TEST_CASE("cluster down refuses a live owner's cluster, names the owner, and --force removes it", "[cluster][root]") {
  FL_REQUIRE_ROOT();
  test::ClusterGuard guard;
  LocalCluster::up(one_node());
  Sleeper other;
  REQUIRE(process_start_ticks(other.pid) > 0);
  hand_to(other.pid, process_start_ticks(other.pid));

  CHECK_THROWS_AS(LocalCluster::down(), EnvironmentError);
  RunResult down = owner_cli({"cluster", "down"});
  INFO(down.err);
  CHECK(down.exit_code == 64);
  CHECK(down.err.find("belongs to pid " + std::to_string(other.pid) + " (faultline test --system etcd)") !=
        std::string::npos);
  CHECK(down.err.find("--force") != std::string::npos);
  CHECK(std::count(down.err.begin(), down.err.end(), '\n') == 1);
  CHECK(std::filesystem::exists("/run/netns/fl-n1"));

  // The cleanup at the start of a cluster test refuses it too.
  CHECK_THROWS_WITH(test::ClusterGuard(), Catch::Contains("still running"));
  CHECK(std::filesystem::exists("/run/netns/fl-n1"));

  RunResult forced = owner_cli({"cluster", "down", "--force"});
  INFO(forced.err);
  CHECK(forced.exit_code == 0);
  CHECK(forced.out.find("removed namespace fl-n1") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists("/run/netns/fl-n1"));
}

TEST_CASE("a dead owner, or a pid reused by another process, protects nothing", "[cluster][root]") {
  FL_REQUIRE_ROOT();
  test::ClusterGuard guard;
  SECTION("the owner is gone") {
    LocalCluster::up(one_node());
    int pid = spawn_daemon({"true"}, "/dev/null");
    stop_process(pid, std::chrono::milliseconds(100));
    hand_to(pid, 12345);
  }
  SECTION("the owner's pid now belongs to another process") {
    LocalCluster::up(one_node());
    Sleeper other;
    hand_to(other.pid, process_start_ticks(other.pid) + 1);
    CHECK_FALSE(LocalCluster::owner()->alive());
  }
  RunResult down = owner_cli({"cluster", "down"});
  INFO(down.err);
  CHECK(down.exit_code == 0);
  CHECK_FALSE(std::filesystem::exists("/run/netns/fl-n1"));
}
