// What the end-to-end tests share: a guard that clears any fl- cluster before
// and after a test (pass or fail), the settings of a quiet etcd register run,
// a count of the faults a history records, and probes for what a run may
// leave behind (namespaces, links, iptables rules, qdiscs, daemons), and
// how well a run's wire log covers its ops.
#pragma once

#include <dirent.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cluster/local_cluster.h"
#include "cluster/process.h"
#include "harness/runner.h"
#include "history/format.h"
#include "history/history.h"
#include "history/wire_log.h"

namespace fl::test {

// At the start, a cluster whose owner (another process) still runs is
// refused: the constructor throws the sentence naming it.
struct ClusterGuard {
  ClusterGuard() {
    LocalCluster::refuse_live_owner("clean up for a test", false);
    clear();
  }
  ~ClusterGuard() { clear(); }
  static void clear() noexcept {
    try {
      LocalCluster::down();
    } catch (...) {
    }
  }
};

// Removes a folder (etcd's data and logs) when the test ends, pass or fail.
struct RemoveDir {
  std::string dir;
  ~RemoveDir() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

// A register run on etcd that prints nothing and keeps etcd's data under
// `data_root` (the test removes it with RemoveDir); the test adds its nemesis,
// size and timing.
inline TestOptions etcd_register_run(const std::string& data_root, const std::string& store_dir) {
  TestOptions o;
  o.system = "etcd";
  o.workload = "register";
  o.system_options = {{"data-root", data_root}};
  o.store_dir = store_dir;
  o.progress = false;
  o.plots = false;  // the page draws its own; gnuplot costs seconds a run
  o.print_summary = false;
  return o;
}

// The nemesis events of a history: faults started and stopped ("start…",
// "stop…" ops of the nemesis process).
struct FaultEvents {
  int starts = 0, stops = 0;
};
inline FaultEvents fault_events(const History& h) {
  FaultEvents n;
  for (const Op& op : h.ops()) {
    if (!op.is_nemesis()) continue;
    if (op.f.rfind("start", 0) == 0) ++n.starts;
    if (op.f.rfind("stop", 0) == 0) ++n.stops;
  }
  return n;
}

// Lines of a command's stdout that contain `needle`.
inline std::vector<std::string> lines_with(const Argv& argv, const std::string& needle) {
  std::vector<std::string> out;
  RunResult r = run_process(argv);
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);)
    if (line.find(needle) != std::string::npos) out.push_back(line);
  return out;
}

// Pids of the processes whose command line contains `needle`.
inline std::vector<std::string> processes_using(const std::string& needle) {
  std::vector<std::string> out;
  DIR* d = opendir("/proc");
  while (dirent* e = d ? readdir(d) : nullptr) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    std::ifstream in(std::string("/proc/") + e->d_name + "/cmdline");
    std::string cmd((std::istreambuf_iterator<char>(in)), {});
    if (cmd.find(needle) != std::string::npos) out.push_back(e->d_name);
  }
  if (d) closedir(d);
  return out;
}

// Pids of the processes working in `dir` or below it (their cwd): daemons
// such as redis-server rewrite their command line, but chdir to their data.
inline std::vector<std::string> processes_working_in(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = opendir("/proc");
  while (dirent* e = d ? readdir(d) : nullptr) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    std::error_code ec;
    std::string cwd = std::filesystem::read_symlink(std::string("/proc/") + e->d_name + "/cwd", ec).string();
    if (!ec && cwd.rfind(dir, 0) == 0) out.push_back(e->d_name);
  }
  if (d) closedir(d);
  return out;
}

// The pids of processes running BINARY (their argv[0]), unlike
// processes_using, not a compiler whose flags merely name it. With
// `naming`, only those with an argument that contains it: the daemons of
// one test's data directories, not those another test runs beside it.
inline std::vector<std::string> processes_running(const std::string& binary, const std::string& naming = "") {
  std::vector<std::string> out;
  for (const std::string& pid : processes_using(binary)) {
    std::ifstream in("/proc/" + pid + "/cmdline");
    std::string arg;
    bool first = true, named = naming.empty();
    for (; std::getline(in, arg, '\0'); first = false) {
      if (first && arg != binary) break;
      if (!first && arg.find(naming) != std::string::npos) named = true;
    }
    if (!first && named) out.push_back(pid);
  }
  return out;
}

// processes_running, given up to 10 s to empty: a daemon stopped at
// teardown may still be on its way out on a loaded machine; one still
// there after 10 s was left behind.
inline std::vector<std::string> processes_left(const std::string& binary, const std::string& naming = "") {
  auto left = processes_running(binary, naming);
  for (int i = 0; i < 100 && !left.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    left = processes_running(binary, naming);
  }
  return left;
}

// The run's wire log against its history: each exchange names an invoke of
// its own process; returns how many of the ops that completed ok have at
// least one exchange, and how many completed ok (a client sends something
// for every op it completes ok). `request_has` must occur in some request.
struct WireCoverage {
  std::size_t ok_ops = 0, ok_ops_with_exchanges = 0, exchanges = 0, mismatched = 0;
  bool request_seen = false;
};
inline WireCoverage wire_coverage(const std::string& run_dir, const std::string& request_has) {
  WireCoverage c;
  History h = read_history(run_dir + "/history.jsonl");
  auto wire = read_wire_log(run_dir + "/wire.jsonl", {});
  std::map<std::int64_t, std::int64_t> invoke_process;
  for (std::size_t i = 0; i < h.size(); ++i)
    if (h[i].is_invoke()) invoke_process[h[i].index] = h[i].process;
  for (const auto& [op, xs] : wire)
    for (const WireExchange& x : xs) {
      ++c.exchanges;
      auto it = invoke_process.find(op);
      if (it == invoke_process.end() || it->second != x.process) ++c.mismatched;
      if (x.request.find(request_has) != std::string::npos) c.request_seen = true;
    }
  for (std::size_t i = 0; i < h.size(); ++i) {
    if (h[i].type != OpType::Ok || h[i].is_nemesis()) continue;
    ++c.ok_ops;
    std::int64_t other = h.partner(i);
    if (other >= 0 && wire.count(h[static_cast<std::size_t>(other)].index)) ++c.ok_ops_with_exchanges;
  }
  return c;
}

}  // namespace fl::test
