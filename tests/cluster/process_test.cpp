#include <signal.h>
#include <sys/stat.h>

#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "cluster/process.h"

using namespace fl;

TEST_CASE("run_process returns the exit code and captures stdout and stderr apart", "[cluster][no-cluster]") {
  RunResult r = run_process({"sh", "-c", "echo out; echo err >&2; exit 3"});
  CHECK(r.exit_code == 3);
  CHECK_FALSE(r.timed_out);
  CHECK(r.out == "out\n");
  CHECK(r.err == "err\n");
  CHECK_FALSE(r.ok());
}

TEST_CASE("run_process kills a program that outlives its timeout", "[cluster][no-cluster]") {
  RunOptions o;
  o.timeout = std::chrono::milliseconds(200);
  auto t0 = std::chrono::steady_clock::now();
  RunResult r = run_process({"sleep", "10"}, o);
  auto took = std::chrono::steady_clock::now() - t0;
  CHECK(r.timed_out);
  CHECK(r.exit_code == -1);
  CHECK(took < std::chrono::seconds(5));
}

TEST_CASE("run_process feeds a large stdin while reading a large stdout without deadlock", "[cluster][no-cluster]") {
  RunOptions o;
  o.input = std::string(3 << 20, 'x');
  RunResult r = run_process({"cat"}, o);
  REQUIRE(r.ok());
  CHECK(r.out.size() == o.input.size());
}

TEST_CASE("run_process adds environment variables", "[cluster][no-cluster]") {
  RunOptions o;
  o.env = {{"FL_TEST_VALUE", "42"}};
  RunResult r = run_process({"sh", "-c", "echo $FL_TEST_VALUE"}, o);
  CHECK(r.out == "42\n");
}

TEST_CASE("run_process says clearly when a program does not exist", "[cluster][no-cluster]") {
  CHECK_THROWS_WITH(run_process({"fl-no-such-program"}), Catch::Contains("cannot run fl-no-such-program"));
}

TEST_CASE("spawn_daemon appends output to its log and stop ends it without leaving a zombie", "[cluster][no-cluster]") {
  std::string log = "/tmp/fl-test-daemon-" + std::to_string(getpid()) + ".log";
  std::filesystem::remove(log);
  int pid = spawn_daemon({"sh", "-c", "echo started; echo oops >&2; exec sleep 30"}, log);
  REQUIRE(pid > 0);
  CHECK(process_alive(pid));
  for (int i = 0; i < 100; ++i) {
    std::ifstream f(log);
    std::stringstream ss;
    ss << f.rdbuf();
    if (ss.str().find("oops") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::ifstream f(log);
  std::stringstream ss;
  ss << f.rdbuf();
  CHECK(ss.str() == "started\noops\n");
  // In its own session: its session id is its pid.
  CHECK(getsid(pid) == pid);
  stop_process(pid, std::chrono::milliseconds(500));
  CHECK_FALSE(process_alive(pid));
  CHECK_FALSE(std::filesystem::exists("/proc/" + std::to_string(pid)));  // reaped
  std::filesystem::remove(log);
}

TEST_CASE("stop_process escalates to SIGKILL when SIGTERM is ignored", "[cluster][no-cluster]") {
  int pid = spawn_daemon({"sh", "-c", "trap '' TERM; while true; do sleep 0.05; done"}, "/dev/null");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  auto t0 = std::chrono::steady_clock::now();
  stop_process(pid, std::chrono::milliseconds(200));
  CHECK_FALSE(process_alive(pid));
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
}
