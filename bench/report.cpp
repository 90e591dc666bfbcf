// bench_report: the report of a long history. A made-up etcd-like register
// history (20 processes, ops of about 0.4 ms, partitions every 5 s that slow
// ops down and time some out, one planted stale read) is written straight to
// history.jsonl op by op (so 50 million ops need no memory), with a
// results.json naming the stale read's ops as the linearizability checker
// would; then, in one run of this program on this machine:
//   - `faultline report RUN_DIR` end to end: wall time, CPU time and peak
//     memory of that process; up to 2 million ops, beside reading the same
//     history alone (`faultline check --checker stats`) as the baseline;
//   - report.html's size, and whether it is summarized (past
//     kFullReportOps ops, or FAULTLINE_REPORT_FULL_OPS);
//   - headless chromium opening it: the whole browser run beside the same
//     browser opening an empty page, and the page's own time to ready;
//   - for a summarized report, `faultline serve` answering the page's
//     deeper zoom: the first range (which reads the history once for its
//     index) and a second one.
// Usage: bench_report [ops, default 1000000] [browser runs, default 3]
#include <sys/resource.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <random>
#include <string>

#include <fmt/format.h>

#include <thread>

#include <httplib.h>

#include "cluster/process.h"
#include "history/op.h"
#include "tests/report/chromium.h"

using namespace fl;
namespace fs = std::filesystem;

namespace {

// The made-up run, written op by op. Returns the stale read's invoke and completion indexes.
std::pair<std::int64_t, std::int64_t> write_history(const fs::path& file, std::size_t ops) {
  const int processes = 20;
  const double fault_every = 5e9;
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> unit(0, 1);
  std::exponential_distribution<double> think(1 / 50e3), service(1 / 400e3);
  struct Worker {
    std::int64_t process = 0, next = 0, invoked = 0;
    bool busy = false, info = false;
    int f = 0;
    std::int64_t arg = 0, arg2 = 0;
  };
  std::vector<Worker> w(processes);
  for (int i = 0; i < processes; ++i) w[static_cast<std::size_t>(i)].process = i;
  std::FILE* out = std::fopen(file.c_str(), "w");
  std::string buf;
  std::int64_t index = 0, reg = 0, next_value = 1, fault_at = static_cast<std::int64_t>(fault_every / 2);
  bool faulty = false;
  std::size_t started = 0, done = 0;
  std::pair<std::int64_t, std::int64_t> stale{-1, -1};
  std::vector<std::int64_t> stale_invoke(processes, -1);
  static const char* const kF[] = {"read", "write", "cas"};
  while (done < ops) {
    std::size_t k = 0;
    for (std::size_t i = 1; i < w.size(); ++i)
      if (w[i].next < w[k].next) k = i;
    Worker& x = w[k];
    // The nemesis's partitions, in time order with the clients' events.
    while (fault_at <= x.next) {
      fmt::format_to(std::back_inserter(buf),
                     faulty ? "{{\"index\":{},\"time\":{},\"process\":\"nemesis\",\"type\":\"info\",\"f\":\"stop-partition\",\"value\":null}}\n"
                            : "{{\"index\":{},\"time\":{},\"process\":\"nemesis\",\"type\":\"info\",\"f\":\"start-partition\",\"value\":{{\"n1\":[\"n2\",\"n3\"],\"n2\":[\"n1\"],\"n3\":[\"n1\"]}}}}\n",
                     index++, fault_at);
      fault_at += static_cast<std::int64_t>(faulty ? fault_every * 0.6 : fault_every * 0.4);
      faulty = !faulty;
    }
    const std::string node = "n" + std::to_string(1 + x.process % 3);
    if (!x.busy) {
      if (started == ops) {  // every op invoked: this worker is done
        x.next = INT64_MAX;
        continue;
      }
      ++started;
      const double r = unit(rng);
      x.f = r < 0.5 ? 0 : r < 0.85 ? 1 : 2;
      double d = 20e3 + service(rng) * (faulty ? 6 : 1);
      x.info = faulty && unit(rng) < 0.15;
      if (x.info) d = 5e6;
      std::string value = "null";
      if (x.f == 1) value = std::to_string(x.arg = next_value++);
      if (x.f == 2) {
        x.arg = unit(rng) < 0.5 ? reg : std::max<std::int64_t>(0, reg - 1 - static_cast<std::int64_t>(unit(rng) * 5));
        x.arg2 = next_value++;
        value = fmt::format("[{},{}]", x.arg, x.arg2);
      }
      stale_invoke[k] = index;
      fmt::format_to(std::back_inserter(buf), "{{\"index\":{},\"time\":{},\"process\":{},\"type\":\"invoke\",\"f\":\"{}\",\"value\":{},\"node\":\"{}\"}}\n",
                     index++, x.next, x.process, kF[x.f], value, node);
      x.busy = true;
      x.next += static_cast<std::int64_t>(d);
    } else {
      // Each op takes effect as it completes, so the history is linearizable
      // but for the one planted stale read.
      std::string type = "ok", value = "null", error;
      if (x.info) {
        type = "info";
        error = ",\"error\":\"timeout after 5 ms\"";
      } else if (x.f == 0) {
        std::int64_t v = reg;
        if (stale.first < 0 && done >= ops / 2 && reg != 0) {
          v = 0;
          stale = {stale_invoke[k], index};
        }
        value = std::to_string(v);
      } else if (x.f == 1) {
        reg = x.arg;
        value = std::to_string(x.arg);
      } else {
        value = fmt::format("[{},{}]", x.arg, x.arg2);
        if (reg == x.arg) reg = x.arg2;
        else type = "fail", error = ",\"error\":\"compare failed\"";
      }
      fmt::format_to(std::back_inserter(buf), "{{\"index\":{},\"time\":{},\"process\":{},\"type\":\"{}\",\"f\":\"{}\",\"value\":{},\"node\":\"{}\"{}}}\n",
                     index++, x.next, x.process, type, kF[x.f], value, node, error);
      ++done;
      x.busy = false;
      if (x.info) x.process += processes;  // Jepsen's rule: an info retires the process
      x.next += 1 + static_cast<std::int64_t>(think(rng));
    }
    if (buf.size() > (1 << 20)) {
      std::fwrite(buf.data(), 1, buf.size(), out);
      buf.clear();
    }
  }
  std::fwrite(buf.data(), 1, buf.size(), out);
  std::fclose(out);
  return stale;
}

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

// `faultline serve` answering the page's deeper zoom: two ranges of about
// 100,000 ops, the first of which reads the whole history for its index.
void serve_ranges(const std::string& binary, const fs::path& store, std::size_t ops) {
  const fs::path log = store / "serve.log";
  const int pid = spawn_daemon({binary, "serve", "--store", store.string(), "--port", "0"}, log.string());
  std::string port;
  for (int i = 0; i < 200 && port.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::ifstream in(log);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::size_t at = text.find("http://127.0.0.1:");
    if (at != std::string::npos) port = text.substr(at + 17, text.find('/', at + 17) - at - 17);
  }
  if (port.empty()) {
    std::printf("faultline serve did not start\n");
    stop_process(pid, std::chrono::seconds(5));
    return;
  }
  httplib::Client c("127.0.0.1", std::stoi(port));
  c.set_read_timeout(std::chrono::minutes(10));
  // The history spans about ops * 26 µs (20 processes, 0.52 ms an op): 100,000 ops take 2.6 s of it.
  const double span = static_cast<double>(ops) * 26e3, width = 2.6e9;
  for (double at : {0.37, 0.71}) {
    const auto t0 = std::chrono::steady_clock::now();
    auto res = c.Get(fmt::format("/runs/bench-report/20261207T000000/ops?from={:.0f}&to={:.0f}", span * at, span * at + width));
    const double s = seconds_since(t0);
    if (!res || res->status != 200) {
      std::printf("serve: range request failed (%s)\n", res ? res->body.c_str() : "no answer");
      break;
    }
    const Json j = Json::parse(res->body);
    std::printf("serve: %s range of %s ops (%.1f MB of JSON) in %.2f s\n", at < 0.5 ? "first" : "second",
                j["n"].dump().c_str(), static_cast<double>(res->body.size()) / 1e6, s);
  }
  stop_process(pid, std::chrono::seconds(5));
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t ops = argc > 1 ? std::stoul(argv[1]) : 1000000;
  const int browser_runs = argc > 2 ? std::atoi(argv[2]) : 3;
  // A store of one run, so that `faultline serve` can serve it.
  const fs::path store = fs::temp_directory_path() / ("fl-bench-report-" + std::to_string(getpid()));
  const fs::path dir = store / "bench-report" / "20261207T000000";
  fs::create_directories(dir);
  const std::string binary = (fs::path(argv[0]).parent_path().parent_path() / "faultline").string();

  auto t0 = std::chrono::steady_clock::now();
  const auto [stale_invoke, stale_read] = write_history(dir / "history.jsonl", ops);
  {
    const Json anomaly = {{"kind", "stale-read"}, {"ops", {stale_invoke, stale_read}},
                          {"explanation", "the read returned 0, a value every write completed before it had overwritten"}};
    const Json lin = {{"valid", false}, {"anomalies", {anomaly}}};
    std::ofstream(dir / "results.json") << Json{{"valid", false}, {"checkers", {{"linearizable", lin}}}}.dump(2);
    std::ofstream(dir / "test.json") << Json{{"test_name", "bench-report"}, {"system", "synthetic"}, {"ops", ops}}.dump(2);
  }
  std::printf("wrote a %zu-op run in %s in %.1f s (history.jsonl %.0f MB)\n", ops, dir.c_str(), seconds_since(t0),
              static_cast<double>(fs::file_size(dir / "history.jsonl")) / 1e6);

  const Measured report = measured({binary, "report", dir.string()});
  if (!fs::exists(dir / "report.html")) {
    std::printf("faultline report wrote no report.html\n");
    return 1;
  }
  const bool baseline = ops <= 2000000;  // reading 50 million ops whole takes more memory than a report should
  const Measured read = baseline ? measured({binary, "check", "--checker", "stats", (dir / "history.jsonl").string()}) : Measured{};
  const double html_mb = static_cast<double>(fs::file_size(dir / "report.html")) / 1e6;
  std::printf("faultline report (read + report.html + 2 gnuplot images): %.2f s wall, %.2f s CPU, peak %.0f MB\n",
              report.wall, report.cpu, report.peak_mb);
  bool summarized = false;
  if (baseline)
    std::printf("baseline, reading the same history (check --checker stats): %.2f s wall, %.2f s CPU; report / read "
                "= %.1fx CPU\n",
                read.wall, read.cpu, report.cpu / read.cpu);
  {
    std::ifstream html(dir / "report.html");
    std::string head(200000, '\0');
    html.read(&head[0], static_cast<std::streamsize>(head.size()));
    summarized = head.find("Summarized timeline.") != std::string::npos;
    std::printf("report.html is %s\n", summarized ? "summarized" : "op by op");
  }
  std::printf("report.html: %.1f MB (%.1f bytes per op); latency.png %s, rate.png %s\n", html_mb, html_mb * 1e6 / ops,
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
  if (summarized) serve_ranges(binary, store, ops);
  std::error_code ec;
  if (!std::getenv("FL_BENCH_KEEP")) fs::remove_all(store, ec);  // FL_BENCH_KEEP=1 keeps the run to look at
  return 0;
}
