// README's table "When the machine is not ready", one test per row: each
// problem of the environment makes `faultline test` (or `cluster up`) exit 64
// with one sentence that names the fix, before anything starts — no store
// folder, no namespace, no daemon.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "tests/skip.h"

#include "cluster/local_cluster.h"
#include "cluster/process.h"
#include "nemesis/fault_journal.h"
#include "nemesis/traffic.h"
#include "e2e_support.h"
#include "temp_store.h"

using namespace fl;
namespace fs = std::filesystem;

namespace {

constexpr const char* kSubnet = "10.213.94.0/24";    // the runs refused here
constexpr const char* kClusterSubnet = "10.213.91.0/24";  // a cluster left in their way

struct Refusal {
  RunResult r;
  std::string store;
};

// `faultline test --system etcd …` with extra arguments (and environment),
// into a store that must stay absent.
Refusal etcd_test(const Argv& extra, const Env& env = {}, const Argv& prefix = {}) {
  static int n = 0;
  std::string store = fs::temp_directory_path() / ("fl-env-test-" + std::to_string(getpid()) + "-" + std::to_string(n++));
  Argv argv = prefix;
  argv.insert(argv.end(), {FL_BINARY, "test", "--system", "etcd", "--workload", "register", "--time-limit", "2",
                           "--no-progress", "--store", store, "--subnet", kSubnet});
  argv.insert(argv.end(), extra.begin(), extra.end());
  RunOptions o;
  o.env = env;
  return {run_process(argv, o), store};
}

// Exit 64, one line on stderr containing `sentence`, and nothing made.
void expect_refused(const Refusal& f, const std::string& sentence) {
  INFO(f.r.err);
  CHECK(f.r.exit_code == 64);
  CHECK(f.r.err.find(sentence) != std::string::npos);
  CHECK(std::count(f.r.err.begin(), f.r.err.end(), '\n') == 1);
  CHECK(f.r.err.find("internal") == std::string::npos);
  CHECK_FALSE(fs::exists(f.store));
  CHECK_FALSE(fs::exists("/run/netns/fl-n1"));
  std::error_code ec;
  fs::remove_all(f.store, ec);
}

// A folder holding only the named programs, for a PATH that lacks the rest.
struct OnlyPrograms {
  std::string dir = fs::temp_directory_path() / ("fl-env-path-" + std::to_string(getpid()));
  explicit OnlyPrograms(const std::vector<std::string>& programs) {
    fs::remove_all(dir);
    fs::create_directories(dir);
    for (const auto& p : programs) fs::create_symlink(find_program(p), fs::path(dir) / p);
  }
  ~OnlyPrograms() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

// A link of ours (a veth pair: no dummy module needed) holding an address in `kSubnet`, removed at the end.
struct SubnetInUse {
  SubnetInUse() {
    run_process({"ip", "link", "del", "fl-tdummy0"});
    REQUIRE(run_process({"ip", "link", "add", "fl-tdummy0", "type", "veth", "peer", "name", "fl-tdummy1"}).ok());
    REQUIRE(run_process({"ip", "addr", "add", "10.213.94.1/24", "dev", "fl-tdummy0"}).ok());
  }
  ~SubnetInUse() { run_process({"ip", "link", "del", "fl-tdummy0"}); }
};

}  // namespace

TEST_CASE("environment: testing a real system without root is refused with the fix") {
  FL_REQUIRE_ROOT();  // to become someone else
  test::ClusterGuard guard;
  Refusal f = etcd_test({}, {}, {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"});
  expect_refused(f, "testing etcd needs root (network namespaces); run as root or use --system memory");
}

TEST_CASE("environment: a missing program of the cluster or of a fault is refused naming its package") {
  FL_REQUIRE_ROOT();
  test::ClusterGuard guard;
  {
    OnlyPrograms none({});
    expect_refused(etcd_test({}, {{"PATH", none.dir}}), "the local cluster needs ip, which is not installed; install iproute2");
  }
  {
    OnlyPrograms ip({"ip"});
    expect_refused(etcd_test({"--nemesis", "partition"}, {{"PATH", ip.dir}}),
                   "the partition nemeses need iptables, which is not installed; install iptables");
    expect_refused(etcd_test({"--nemesis", "rate"}, {{"PATH", ip.dir}}),
                   "the rate nemesis needs tc, which is not installed; install iproute2");
  }
}

TEST_CASE("environment: a missing system binary is refused naming its package") {
  FL_REQUIRE_ROOT();
  test::ClusterGuard guard;
  expect_refused(etcd_test({"--opt", "binary=/nonexistent/etcd"}),
                 "etcd is not installed (/nonexistent/etcd is missing); install etcd-server (scripts/setup)");
}

TEST_CASE("environment: a fault the system cannot take (a clock fault on a Go binary) is refused") {
  FL_REQUIRE_ROOT();
  test::ClusterGuard guard;
  expect_refused(etcd_test({"--nemesis", "kill,clock"}),
                 "the clock nemesis cannot act on etcd: it reads the clock without libc (as Go binaries do), so "
                 "libfaketime cannot skew it; leave clock out of --nemesis");
}

TEST_CASE("environment: a subnet already in use on this machine is refused") {
  FL_REQUIRE_ROOT();
  test::ClusterGuard guard;
  SubnetInUse busy;
  expect_refused(etcd_test({}), "the subnet 10.213.94.0/24 is already used on this machine; pick another with --subnet");
  RunResult up = run_process({FL_BINARY, "cluster", "up", "--subnet", kSubnet});
  CHECK(up.exit_code == 64);
  CHECK(up.err.find("is already used on this machine") != std::string::npos);
}

TEST_CASE("environment: a cluster or faults left by an earlier run are refused with the command that clears them") {
  FL_REQUIRE_ROOT();
  test::ClusterGuard guard;
  RunResult up = run_process({FL_BINARY, "cluster", "up", "--nodes", "1", "--subnet", kClusterSubnet});
  REQUIRE(up.exit_code == 0);
  Refusal f = etcd_test({});
  {
    INFO(f.r.err);
    CHECK(f.r.exit_code == 64);
    CHECK(f.r.err.find("which is no longer running, is still up; run `faultline heal && faultline cluster down` first") !=
          std::string::npos);
    CHECK_FALSE(fs::exists(f.store));
  }
  REQUIRE(run_process({FL_BINARY, "cluster", "down"}).exit_code == 0);

  // A cluster whose owner still runs (this test process) is another run's.
  LocalCluster::up(ClusterSpec{1, kClusterSubnet});
  Refusal live = etcd_test({});
  INFO(live.r.err);
  CHECK(live.r.exit_code == 64);
  CHECK(live.r.err.find("is already up and belongs to pid " + std::to_string(getpid())) != std::string::npos);
  CHECK(live.r.err.find("which is still running; wait for it to finish, or remove it with `faultline cluster down "
                        "--force`") != std::string::npos);
  CHECK_FALSE(fs::exists(live.store));
  LocalCluster::down();

  // Faults journaled without a cluster (a heal that failed half-way).
  journal_fault({{"kind", "clock"}, {"nodes", nlohmann::json::array()}});
  expect_refused(etcd_test({}), "fault of an earlier run is still journaled in /run/faultline/faults.json; run "
                                "`faultline heal` first");
  CHECK(run_process({FL_BINARY, "heal"}).exit_code == 0);
  CHECK(journaled_faults().empty());
}
