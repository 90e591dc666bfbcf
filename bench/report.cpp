// bench_report: the report of a million-op history. A made-up etcd-like
// register history (tests/report/synthetic_history.h: 20 processes,
// partitions every 5 s, one stale read) is stored as a run; then, in one
// run of this program on this machine:
//   - `faultline report RUN_DIR` end to end (read history.jsonl, results.json
//     and test.json, write report.html and the two gnuplot images): wall time
//     and peak memory of that process, beside reading the same history alone
//     (`faultline check --checker stats`) as the baseline;
//   - report.html's size;
//   - headless chromium opening it: the whole browser run beside the same
//     browser opening an empty page, and the page's own time to ready.
// Usage: bench_report [ops, default 1000000] [browser runs, default 3]
#include <sys/resource.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "checkers/registry.h"
#include "history/jsonl.h"
#include "tests/report/chromium.h"
#include "tests/report/synthetic_history.h"

using namespace fl;
namespace fs = std::filesystem;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

struct Measured {
  double wall = 0, cpu = 0, peak_mb = 0;
};

double cpu_seconds(const rusage& ru) {
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// Runs argv: wall seconds, CPU seconds (it and the children it waited for,
// such as gnuplot: on a loaded machine the honest figure) and peak RSS.
Measured measured(const Argv& argv) {
  rusage before{}, after{};
  getrusage(RUSAGE_CHILDREN, &before);
  const auto t0 = std::chrono::steady_clock::now();
  RunOptions o;
  o.timeout = std::chrono::minutes(10);
  RunResult r = run_process(argv, o);
  Measured m;
  m.wall = seconds_since(t0);
  if (!r.ok() && r.exit_code != 1) std::fprintf(stderr, "%s failed: %s\n", argv[1].c_str(), r.err.c_str());
  getrusage(RUSAGE_CHILDREN, &after);
  m.cpu = cpu_seconds(after) - cpu_seconds(before);
  m.peak_mb = static_cast<double>(after.ru_maxrss) / 1024;  // the largest child so far: run the biggest first
  return m;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t ops = argc > 1 ? std::stoul(argv[1]) : 1000000;
  const int browser_runs = argc > 2 ? std::atoi(argv[2]) : 3;
  const fs::path dir = fs::temp_directory_path() / ("fl-bench-report-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const std::string binary = (fs::path(argv[0]).parent_path().parent_path() / "faultline").string();

  test::SyntheticOptions o;
  o.ops = ops;
  o.processes = 20;
  o.fault_every_s = 5;
  o.stale_read = true;
  auto t0 = std::chrono::steady_clock::now();
  {
    History h = test::synthetic_history(o);
    std::ofstream out(dir / "history.jsonl");
    write_jsonl(out, h);
    CheckOptions co;
    co.model = "cas-register";
    co.init = Json(0);
    Json by = Json::object();
    for (const char* name : {"linearizable", "stats"}) {
      CheckResult r = find_checker(name)->check(h, co);
      Json e = r.detail;
      e["valid"] = validity_json(r.valid);
      by[name] = e;
    }
    std::ofstream(dir / "results.json") << Json{{"valid", false}, {"checkers", by}}.dump(2);
    std::ofstream(dir / "test.json") << Json{{"test_name", "bench-report"}, {"system", "synthetic"}, {"ops", ops}}.dump(2);
  }
  std::printf("made a %zu-op run in %s in %.1f s (history.jsonl %.0f MB)\n", ops, dir.c_str(), seconds_since(t0),
              static_cast<double>(fs::file_size(dir / "history.jsonl")) / 1e6);

  const Measured report = measured({binary, "report", dir.string()});
  const Measured read = measured({binary, "check", "--checker", "stats", (dir / "history.jsonl").string()});
  const double html_mb = static_cast<double>(fs::file_size(dir / "report.html")) / 1e6;
  std::printf("faultline report (read + report.html + 2 gnuplot images): %.2f s wall, %.2f s CPU, peak %.0f MB\n",
              report.wall, report.cpu, report.peak_mb);
  std::printf("baseline, reading the same history (check --checker stats): %.2f s wall, %.2f s CPU; report / read "
              "= %.1fx CPU\n",
              read.wall, read.cpu, report.cpu / read.cpu);
  std::printf("report.html: %.1f MB (%.0f bytes per op); latency.png %s, rate.png %s\n", html_mb, html_mb * 1e6 / ops,
              fs::exists(dir / "latency.png") ? "written" : "MISSING", fs::exists(dir / "rate.png") ? "written" : "MISSING");

  if (test::chromium_path().empty()) {
    std::printf("chromium is not installed: no browser figures\n");
  } else {
    std::ofstream(dir / "empty.html") << "<!DOCTYPE html><html><body><p>empty</p></body></html>\n";
    std::vector<double> empty_s, page_s, ready_ms, empty_cpu, page_cpu;
    for (int i = 0; i < browser_runs; ++i) {
      rusage r0{}, r1{}, r2{};
      getrusage(RUSAGE_CHILDREN, &r0);
      empty_s.push_back(test::load_page((dir / "empty.html").string(), (dir / "empty.png").string()).seconds);
      getrusage(RUSAGE_CHILDREN, &r1);
      test::Page p = test::load_page((dir / "report.html").string(), (dir / "report.png").string());
      getrusage(RUSAGE_CHILDREN, &r2);
      empty_cpu.push_back(cpu_seconds(r1) - cpu_seconds(r0));
      page_cpu.push_back(cpu_seconds(r2) - cpu_seconds(r1));
      page_s.push_back(p.seconds);
      ready_ms.push_back(static_cast<double>(p.num("load-ms")));
      if (i == 0)
        std::printf("page: drawn %ld of %ld ops, %zu console messages, %s\n", p.num("drawn"), p.num("total"),
                    p.console.size(), p.fl["timing"].c_str());
    }
    std::printf("chromium, whole run (start, load, screenshot, exit), median of %d: empty page %.2f s, report %.2f s "
                "(+%.2f s)\n",
                browser_runs, median(empty_s), median(page_s), median(page_s) - median(empty_s));
    std::printf("chromium CPU (all its processes), median: empty page %.2f s, report %.2f s (+%.2f s)\n", median(empty_cpu),
                median(page_cpu), median(page_cpu) - median(empty_cpu));
    std::printf("report ready (script done, everything drawn), by the page's clock: median %.0f ms\n", median(ready_ms));
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  return 0;
}
