// bench_course: how fast one fl-course node serves, so a course example never
// sets the pace of a test. Starts `fl-course --design single` alone on
// 127.0.0.1 and drives it with 16 CourseClients (one thread each, the
// register workload's read / write / cas mix) for a few seconds; then runs
// the harness itself against the in-process memory system with 16 workers,
// recording, for the rate the harness can drive at all. Besides the rate it
// prints the node's own CPU time per op (from /proc), which does not depend
// on how loaded the machine is. Each node setting is measured twice,
// alternating, best kept: --durability fsync (the default:
// group-committed fdatasync) and write (page cache only), each with and
// without libfaketime preloaded as the Db runs it.
// Usage: bench_course [seconds per run, default 3]
#include <atomic>
#include <csignal>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <random>
#include <thread>

#include <unistd.h>

#include "cluster/faketime.h"
#include "cluster/process.h"
#include "harness/runner.h"
#include "systems/course/course_client.h"
#include "workloads/register_ops.h"

using namespace fl;
namespace fs = std::filesystem;

namespace {

constexpr int kClients = 16;

// CPU seconds (user + system) the process has used so far.
double cpu_seconds(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string s((std::istreambuf_iterator<char>(in)), {});
  auto close = s.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(s.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i)
    if (i == 14 || i == 15) ticks += std::atof(field.c_str());  // utime, stime
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

struct Served {
  double ops_per_s = 0;
  double cpu_us_per_op = 0;  // the node's own CPU per op: what it costs, whatever the machine's load
};

Served serve_rate(double seconds, const std::string& durability, bool faketime, const std::string& dir) {
  fs::remove_all(dir);
  fs::create_directories(dir);
  int port = 21000 + static_cast<int>(getpid() % 5000);
  std::string me = "127.0.0.1:" + std::to_string(port), url = "http://" + me;
  Env env;
  if (faketime) {
    std::string clock = dir + "/clock";
    FILE* f = std::fopen(clock.c_str(), "w");
    std::fputs("+0\n", f);
    std::fclose(f);
    env = {{"LD_PRELOAD", kLibfaketimePath}, {"FAKETIME_TIMESTAMP_FILE", clock}, {"FAKETIME_NO_CACHE", "1"},
           {"FAKETIME_DONT_FAKE_MONOTONIC", "1"}};
  }
  int pid = spawn_daemon({FL_COURSE_BINARY, "--design", "single", "--node", "n1", "--listen", me, "--peers",
                          "n1=" + me, "--data", dir + "/n1", "--durability", durability},
                         dir + "/n1.log", env);
  for (int i = 0; i < 200 && course_health(url, 0.2).is_null(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::atomic<bool> stop{false};
  std::atomic<long> done{0};
  std::vector<std::thread> threads;
  RegisterMix mix;
  mix.kind = RegisterValues::Small;  // values 0…4, cas by chance: every path of the server
  RegisterOps ops(mix);
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&, c] {
      CourseClient client({url, "register", 1.0});
      std::mt19937_64 rng(c);
      long n = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        client.invoke(ops.next(rng));
        ++n;
      }
      done += n;
    });
  }
  auto start = std::chrono::steady_clock::now();
  double cpu_start = cpu_seconds(pid);
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : threads) t.join();
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double cpu = cpu_seconds(pid) - cpu_start;
  signal_process(pid, SIGKILL);
  stop_process(pid, std::chrono::milliseconds(500));
  fs::remove_all(dir);
  Served s;
  s.ops_per_s = done / elapsed;
  s.cpu_us_per_op = done > 0 ? cpu * 1e6 / static_cast<double>(done.load()) : 0;
  return s;
}

double harness_rate(double seconds, const std::string& store) {
  TestOptions o;
  o.system = "memory";
  o.workload = "register";
  o.concurrency = kClients;
  o.time_limit_s = seconds;
  o.store_dir = store;
  o.check = false;
  o.progress = false;
  o.print_summary = false;
  o.seed = 1;
  TestOutcome out = TestRun(o).run();
  fs::remove_all(store);
  return out.ops_per_s;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = argc > 1 ? std::atof(argv[1]) : 3;
  std::string dir = (fs::temp_directory_path() / ("fl-bench-course-" + std::to_string(getpid()))).string();
  std::printf("one fl-course --design single node on 127.0.0.1, %d clients, register mix, %.0f s per run (best of 2)\n",
              kClients, seconds);
  struct Setting {
    const char* durability;
    bool faketime;
  } settings[] = {{"fsync", false}, {"fsync", true}, {"write", false}, {"write", true}};
  Served best[4];
  for (int rep = 0; rep < 2; ++rep)
    for (int i = 0; i < 4; ++i) {
      Served s = serve_rate(seconds, settings[i].durability, settings[i].faketime, dir);
      if (s.ops_per_s > best[i].ops_per_s) best[i] = s;
    }
  double harness = std::max(harness_rate(seconds, dir + "-store"), harness_rate(seconds, dir + "-store"));
  std::printf("%-46s %12s %14s %16s\n", "", "served", "node CPU/op", "one core could");
  for (int i = 0; i < 4; ++i)
    std::printf("  --durability %-5s %-27s %8.0f op/s %11.1f µs %11.0f op/s\n", settings[i].durability,
                settings[i].faketime ? "under libfaketime" : "", best[i].ops_per_s, best[i].cpu_us_per_op,
                best[i].cpu_us_per_op > 0 ? 1e6 / best[i].cpu_us_per_op : 0);
  std::printf("  the harness alone (memory system, %d workers, recording): %.0f op/s\n", kClients, harness);
  return 0;
}
