// bench_runner: the harness's own throughput and the cost of recording. Runs
// the runner against the in-process memory system with 50 workers, each
// configuration with the history recorded (history.jsonl, flushed per op) and
// with recording off, and prints ops/s and the overhead. Settings: the bare
// map unthrottled (an op is a mutex and a hash lookup, so the history writer
// itself is the bottleneck: this is the recorder's ceiling), the bare map at
// --rate 20000, and a 1 ms simulated round trip (a fast database).
// Usage: bench_runner [seconds per run, default 3]
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <unistd.h>

#include "harness/runner.h"

using namespace fl;

namespace {

struct Setting {
  const char* name;
  int latency_us;
  double rate;
};

double run_once(double seconds, const Setting& s, bool record, const std::string& store) {
  TestOptions o;
  o.system = "memory";
  o.workload = "register";
  o.system_options = {{"latency-us", s.latency_us}};
  o.rate = s.rate;
  o.concurrency = 50;
  o.time_limit_s = seconds;
  o.store_dir = store;
  o.record = record;
  o.check = false;
  o.progress = false;
  o.print_summary = false;
  o.seed = 1;
  TestOutcome out = TestRun(o).run();
  std::error_code ec;
  std::filesystem::remove_all(store, ec);  // histories of millions of ops are large
  return out.ops_per_s;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = argc > 1 ? std::atof(argv[1]) : 3;
  std::string store = (std::filesystem::temp_directory_path() / ("fl-bench-runner-" + std::to_string(getpid()))).string();
  std::printf("runner against systems/memory, 50 workers, register workload, %.0f s per run (best of 2)\n", seconds);
  std::printf("%-28s %14s %14s %10s\n", "setting", "recording off", "recording on", "cost");
  const Setting settings[] = {
      {"bare map, unthrottled", 0, 0},
      {"bare map, --rate 20000", 0, 20000},
      {"1 ms round trip", 1000, 0},
  };
  for (const Setting& s : settings) {
    double off = 0, on = 0;
    for (int rep = 0; rep < 2; ++rep) {
      // Alternate so that drift of the machine affects both alike.
      off = std::max(off, run_once(seconds, s, false, store));
      on = std::max(on, run_once(seconds, s, true, store));
    }
    std::printf("%-28s %10.0f op/s %10.0f op/s %9.1f%%\n", s.name, off, on, 100.0 * (off - on) / off);
  }
  return 0;
}
