#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "../cluster/netns_probe.h"
#include "cluster/faketime.h"
#include "cluster/process.h"
#include "nemesis/fault_journal.h"
#include "nemesis_guard.h"

using namespace fl;

namespace {

std::string in_ns(const std::string& ns, const Argv& argv) {
  Argv full = {"ip", "netns", "exec", ns};
  full.insert(full.end(), argv.begin(), argv.end());
  return run_process(full).out;
}

}  // namespace

TEST_CASE("after faultline is SIGKILLed mid-fault, `faultline heal` leaves no rule, qdisc, skew or paused process",
          "[nemesis][root]") {
  FL_REQUIRE_ROOT();
  test::NemesisCluster c(3);
  // Something to pause on n2: a plain sleeper in its namespace.
  int sleeper = c.cluster->host("n2")->spawn({"sleeper", {"sleep", "60"}, "/dev/null", {}, ""});
  std::string ready = "/tmp/fl-test-crash-ready";
  std::filesystem::remove(ready);
  int pid = spawn_daemon({test::self_exe()}, "/dev/null", {{"FL_TEST_HELPER", "crash"}, {"FL_HELPER_READY", ready}});
  for (int i = 0; i < 500 && !std::filesystem::exists(ready); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  REQUIRE(std::filesystem::exists(ready));
  signal_process(pid, SIGKILL);
  stop_process(pid, std::chrono::milliseconds(100));

  // The faults outlived their maker.
  CHECK(in_ns("fl-n1", {"iptables", "-S"}).find("FL-PARTITION") != std::string::npos);
  CHECK(in_ns("fl-n1", {"tc", "qdisc", "show", "dev", "eth0"}).find("noqueue") == std::string::npos);
  for (int i = 0; i < 200 && test::process_state(sleeper) != 'T'; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK(test::process_state(sleeper) == 'T');
  CHECK(read_clock_offset(*c.cluster->host("n1")) == 30);
  CHECK(journaled_faults().size() >= 4);

  RunResult heal = run_process({FL_BINARY, "heal"});
  INFO(heal.out << heal.err);
  CHECK(heal.exit_code == 0);
  for (int i = 1; i <= 3; ++i) {
    std::string ns = "fl-n" + std::to_string(i);
    CHECK(in_ns(ns, {"iptables", "-S"}).find("FL-") == std::string::npos);
    CHECK(in_ns(ns, {"tc", "qdisc", "show", "dev", "eth0"}).find("noqueue") != std::string::npos);
    CHECK(read_clock_offset(*c.cluster->host("n" + std::to_string(i))) == 0);
  }
  for (int i = 0; i < 200 && test::process_state(sleeper) == 'T'; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK(test::process_state(sleeper) != 'T');
  CHECK(journaled_faults().empty());
  RunResult again = run_process({FL_BINARY, "heal"});
  CHECK(again.exit_code == 0);
  CHECK(again.out.find("nothing to heal") != std::string::npos);
  std::filesystem::remove(ready);
}
