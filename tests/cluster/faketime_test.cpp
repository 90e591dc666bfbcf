#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "cluster/faketime.h"
#include "cluster/local_cluster.h"
#include "cluster/namespace_host.h"
#include "cluster/process.h"
#include "root_guard.h"

using namespace fl;

namespace {

// The last number a clock-printing loop wrote to its log.
long last_time_in(const std::string& log) {
  std::ifstream f(log);
  std::string line, last;
  while (std::getline(f, line))
    if (!line.empty()) last = line;
  return last.empty() ? 0 : std::stol(last);
}

}  // namespace

TEST_CASE("a libfaketime-wrapped daemon sees its node's clock offset change at run time", "[cluster][root]") {
  FL_REQUIRE_ROOT();
  test::ClusterGuard guard;
  ClusterSpec spec;
  spec.nodes = 1;
  spec.subnet = test::kTestSubnet;
  auto cluster = LocalCluster::up(spec);
  Host* n1 = cluster->host("n1");
  std::string log = "/tmp/fl-test-faketime.log";
  std::remove(log.c_str());
  // One long-lived bash printing time(2) through libc every 50 ms: no restart.
  DaemonSpec d{"clock", {"bash", "-c", "while true; do printf '%(%s)T\\n' -1; read -t 0.05 <> <(:) || true; done"}, log,
               faketime_env(*n1), ""};
  int pid = n1->spawn(d);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  long now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  CHECK(std::labs(last_time_in(log) - now) <= 2);
  write_clock_offset(*n1, 3600);
  CHECK(read_clock_offset(*n1) == 3600);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  CHECK(std::labs(last_time_in(log) - (now + 3600)) <= 2);
  write_clock_offset(*n1, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  CHECK(std::labs(last_time_in(log) - now) <= 2);
  n1->stop(pid, std::chrono::milliseconds(300));
  std::remove(log.c_str());
}
