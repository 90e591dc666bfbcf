// bench_course_raft_memory: how fl-course's raft nodes' memory grows on a
// long run, and against a baseline binary side by side. Starts 3-node raft
// clusters of fl-course on loopback (127.0.0.41-43, and 127.0.0.51-53 for
// the baseline), one per binary, at the same time so that both see the same
// machine; drives each with 10 workers running the kv workload (keys rotate,
// one new key every 50 ops; small values; read / write / cas), worker w on
// node w mod 3 as faultline's workers are; every 10 s a fault on one node,
// the same in every cluster: a pause (SIGSTOP for 4 s), a kill (SIGKILL,
// restarted on its data 4 s later) or nothing. It samples each node's
// resident memory (VmRSS) every 10 s and prints, per binary, the op rate,
// the sum over the three nodes at the start, at the end and at its peak, and
// its least-squares slope (MB a minute, from 60 s on; with kills read the
// peak instead, since a restarted node starts small again).
// Needs no root and no cluster lock: everything stays on 127.0.0.0/8 and
// in /tmp/fl-bench-raft-memory-<pid>/, removed at the end.
// Usage: bench_course_raft_memory [seconds = 600] [pause|kill|both|none = pause] [baseline fl-course binary]
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include <unistd.h>

#include "cluster/process.h"
#include "systems/course/course_client.h"
#include "workloads/workload.h"

using namespace fl;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kNodes = 3, kWorkers = 10;

long rss_kb(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return 0;
}

struct Cluster {
  std::string label, binary, dir, ip_prefix;  // ip_prefix "127.0.0.4" → nodes .41 .42 .43
  int port = 0;
  int pid[kNodes] = {};
  std::atomic<long> ops{0};
  std::vector<std::pair<double, long>> samples;  // (seconds, sum of RSS kB) from 60 s on

  std::string address(int i) const { return ip_prefix + std::to_string(i + 1) + ":" + std::to_string(port); }
  std::string peers() const {
    std::string p;
    for (int i = 0; i < kNodes; ++i) p += (i ? "," : "") + std::string("n") + std::to_string(i + 1) + "=" + address(i);
    return p;
  }
  void start(int i) {
    std::string n = "n" + std::to_string(i + 1);
    pid[i] = spawn_daemon({binary, "--design", "raft", "--node", n, "--listen", address(i), "--peers", peers(), "--data",
                           dir + "/" + n},
                          dir + "/" + n + ".log");
  }
  long rss_sum() const {
    long s = 0;
    for (int p : pid) s += rss_kb(p);
    return s;
  }
};

void drive(Cluster& c, std::atomic<bool>& stop, Workload& w, int worker) {
  CourseClient client({"http://" + c.address(worker % kNodes), "kv", 1.0});
  std::mt19937_64 rng(worker + 1);
  while (!stop.load(std::memory_order_relaxed)) {
    OpSpec op = w.next(rng);
    Completion done = client.invoke(op);
    w.completed(op, done);
    ++c.ops;
    if (done.type == OpType::Info) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = argc > 1 ? std::atof(argv[1]) : 600;
  std::string nemesis = argc > 2 ? argv[2] : "pause";
  std::string baseline = argc > 3 ? argv[3] : "";
  if (nemesis != "pause" && nemesis != "kill" && nemesis != "both" && nemesis != "none") {
    std::fprintf(stderr, "bench_course_raft_memory: the nemesis is pause, kill, both or none, not \"%s\"\n",
                 nemesis.c_str());
    return 64;
  }
  std::string root = "/tmp/fl-bench-raft-memory-" + std::to_string(::getpid());
  std::vector<std::unique_ptr<Cluster>> clusters;
  auto add = [&](const std::string& label, const std::string& binary, const std::string& prefix, int port) {
    auto c = std::make_unique<Cluster>();
    c->label = label;
    c->binary = binary;
    c->ip_prefix = prefix;
    c->port = port;
    c->dir = root + "/" + label;
    fs::create_directories(c->dir);
    clusters.push_back(std::move(c));
  };
  add("this", FL_COURSE_BINARY, "127.0.0.4", 7741);
  if (!baseline.empty()) add("baseline", baseline, "127.0.0.5", 7751);
  for (auto& c : clusters)
    for (int i = 0; i < kNodes; ++i) c->start(i);
  for (auto& c : clusters)
    for (int i = 0; i < kNodes; ++i)
      for (int t = 0; t < 250 && course_health("http://" + c->address(i), 0.2).is_null(); ++t)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));

  std::atomic<bool> stop{false};
  std::vector<std::unique_ptr<Workload>> workloads;
  std::vector<std::thread> threads;
  for (auto& c : clusters) {
    workloads.push_back(make_workload("kv", WorkloadOptions{1, Json::object(), kNodes}));
    for (int w = 0; w < kWorkers; ++w)
      threads.emplace_back([&, cl = c.get(), wl = workloads.back().get(), w] { drive(*cl, stop, *wl, w); });
  }
  std::printf("3 fl-course raft nodes per binary on 127.0.0.0/8, %d kv workers each, nemesis %s every 10 s, %.0f s\n",
              kWorkers, nemesis.c_str(), seconds);
  std::fflush(stdout);
  auto start = Clock::now();
  std::mt19937_64 rng(7);
  std::vector<long> first(clusters.size(), 0), peak(clusters.size(), 0), last(clusters.size(), 0);
  for (int tick = 1; Clock::now() - start < std::chrono::duration<double>(seconds); ++tick) {
    double t = std::chrono::duration<double>(Clock::now() - start).count();
    for (std::size_t k = 0; k < clusters.size(); ++k) {
      long s = clusters[k]->rss_sum();
      if (first[k] == 0) first[k] = s;
      peak[k] = std::max(peak[k], s);
      last[k] = s;
      if (t >= 60) clusters[k]->samples.push_back({t, s});
    }
    int node = static_cast<int>(rng() % kNodes), action = static_cast<int>(rng() % 3);
    bool pause = action == 0 && (nemesis == "pause" || nemesis == "both");
    bool kill = action == 1 && (nemesis == "kill" || nemesis == "both");
    for (auto& c : clusters) {
      if (pause) signal_process(c->pid[node], SIGSTOP);
      if (kill) {
        signal_process(c->pid[node], SIGKILL);
        stop_process(c->pid[node], std::chrono::milliseconds(500));
      }
    }
    if (pause || kill) std::this_thread::sleep_for(std::chrono::seconds(4));
    for (auto& c : clusters) {
      if (pause) signal_process(c->pid[node], SIGCONT);
      if (kill) c->start(node);
    }
    std::this_thread::sleep_until(start + std::chrono::seconds(10 * tick));
  }
  stop = true;
  for (auto& t : threads) t.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("%-9s %9s %10s %10s %10s %14s\n", "binary", "op/s", "RSS start", "RSS end", "RSS peak", "slope");
  double base_slope = 0, this_slope = 0;
  for (std::size_t k = 0; k < clusters.size(); ++k) {
    Cluster& c = *clusters[k];
    double slope = 0;
    if (c.samples.size() >= 2) {
      double mx = 0, my = 0;
      for (auto& [x, y] : c.samples) mx += x, my += y;
      mx /= c.samples.size();
      my /= c.samples.size();
      double sxy = 0, sxx = 0;
      for (auto& [x, y] : c.samples) sxy += (x - mx) * (y - my), sxx += (x - mx) * (x - mx);
      slope = sxx > 0 ? sxy / sxx * 60 / 1024 : 0;  // MB a minute
    }
    (c.label == "baseline" ? base_slope : this_slope) = slope;
    std::printf("%-9s %9.0f %7.1f MB %7.1f MB %7.1f MB %8.2f MB/min\n", c.label.c_str(), c.ops / elapsed,
                first[k] / 1024.0, last[k] / 1024.0, peak[k] / 1024.0, slope);
    for (int p : c.pid) stop_process(p, std::chrono::milliseconds(500));
  }
  if (base_slope > 0) std::printf("slope of this binary / the baseline's: %.2f\n", this_slope / base_slope);
  std::error_code ec;
  fs::remove_all(root, ec);
  return 0;
}
