#include <catch2/catch.hpp>
#include <filesystem>

#include "cluster/process.h"
#include "root_guard.h"

using namespace fl;

namespace {
RunResult faultline(const Argv& args) {
  Argv argv = {FL_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv);
}
}  // namespace

TEST_CASE("faultline cluster up, status and down work by hand and refuse a second up with the fix", "[cluster][root]") {
  FL_REQUIRE_ROOT();
  test::ClusterGuard guard;
  RunResult up = faultline({"cluster", "up", "--nodes", "2", "--subnet", test::kTestSubnet});
  CHECK(up.exit_code == 0);
  CHECK(up.out.find("n2 " + test::test_address(2)) != std::string::npos);
  RunResult again = faultline({"cluster", "up", "--nodes", "2"});
  CHECK(again.exit_code == 64);
  CHECK(again.err.find("faultline cluster down` first") != std::string::npos);
  CHECK(again.err.find("no longer running") != std::string::npos);  // `cluster up` has exited
  RunResult status = faultline({"cluster", "status"});
  CHECK(status.exit_code == 0);
  CHECK(status.out.find("fl-n1") != std::string::npos);
  CHECK(faultline({"cluster", "down"}).exit_code == 0);
  CHECK_FALSE(std::filesystem::exists("/run/netns/fl-n1"));
  RunResult twice = faultline({"cluster", "down"});
  CHECK(twice.exit_code == 0);
  CHECK(twice.out.find("no faultline cluster was up") != std::string::npos);
}

TEST_CASE("faultline cluster up rejects a subnet that is not a /24", "[cluster][root]") {
  FL_REQUIRE_ROOT();
  test::ClusterGuard guard;
  RunResult r = faultline({"cluster", "up", "--subnet", "10.0.0.0/16"});
  CHECK(r.exit_code == 64);
  CHECK(r.err.find("must be an IPv4 /24") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists("/run/faultline/cluster.json"));
}
