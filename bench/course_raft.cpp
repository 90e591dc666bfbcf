// bench_course_raft: fl-course's raft design on a 3-node local cluster.
//  1. Throughput through faultline: `faultline test --system course --design
//     raft` with the kv workload (no faults, --concurrency C) and the
//     register workload (10 workers), checked: ops/s of the run, ok ops/s,
//     and the linearizability verdict (the figure counts only if valid).
//  2. Failover: SIGKILL the leader, then write through the survivors every
//     few milliseconds until one answers 200 — the time from the kill to a
//     new leader answering; restart the old leader on its data; N rounds,
//     min / median / max.
// Needs root (network namespaces) and the machine-wide cluster lock (run it
// under `flock /tmp/fl-cluster.lock`). Prints figures; asserts nothing.
// Usage: bench_course_raft [seconds per throughput run = 15] [failover rounds = 10] [concurrency = 30]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include <unistd.h>

#include "cluster/local_cluster.h"
#include "harness/runner.h"
#include "systems/course/course_client.h"
#include "systems/course/course_db.h"

using namespace fl;
using Clock = std::chrono::steady_clock;

namespace {

std::string fl_course() {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  // bench_course_raft lives in build/bench/, fl-course in build/.
  return (self.parent_path().parent_path() / "fl-course").string();
}

void throughput(const std::string& workload, double seconds, int concurrency) {
  std::string store = "/tmp/fl-bench-course-raft-" + std::to_string(::getpid());
  TestOptions o;
  o.system = "course";
  o.workload = workload;
  o.system_options = {{"design", "raft"}, {"binary", fl_course()}, {"data-root", "/tmp/faultline-course-bench"}};
  o.nodes = 3;
  o.concurrency = concurrency;
  o.time_limit_s = seconds;
  o.store_dir = store;
  o.progress = false;
  o.print_summary = false;
  o.quiet_s = 1;
  o.seed = 1;
  TestOutcome out = TestRun(o).run();
  double ok_per_s = out.main_phase_s > 0 ? out.counts.ok / out.main_phase_s : 0;
  std::printf("raft, 3 nodes, %-8s c=%d  %7.0f ops/s  %7.0f ok ops/s  (%lld ok, %lld fail, %lld info in %.1f s)  "
              "linearizable: %s\n",
              workload.c_str(), concurrency, out.ops_per_s, ok_per_s, static_cast<long long>(out.counts.ok),
              static_cast<long long>(out.counts.fail), static_cast<long long>(out.counts.info), out.main_phase_s,
              out.results["checkers"]["linearizable"]["valid"].dump().c_str());
  std::error_code ec;
  std::filesystem::remove_all(store, ec);
}

int leader_of(CourseDb& db, const std::vector<Host*>& hosts) {
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    Json h = course_health(db.url(*hosts[i]), 0.3);
    if (h.is_object() && h.value("role", "") == "leader") return static_cast<int>(i);
  }
  return -1;
}

void failover(int rounds) {
  ClusterSpec spec;
  spec.nodes = 3;
  spec.subnet = "10.213.93.0/24";
  auto cluster = LocalCluster::up(spec);
  struct Down {
    ~Down() { LocalCluster::down(); }
  } down;
  CourseDbOptions opts;
  opts.binary = fl_course();
  opts.args = {"--design", "raft"};
  opts.data_root = "/tmp/faultline-course-bench";
  CourseDb db(opts);
  std::vector<Host*> hosts = cluster->hosts();
  struct Teardown {
    CourseDb& db;
    std::vector<Host*> hosts;
    ~Teardown() { db.teardown(hosts); }
  } teardown{db, hosts};
  db.setup(hosts);
  std::vector<double> ms;
  for (int round = 0; round < rounds; ++round) {
    int leader = -1;
    for (int i = 0; i < 200 && leader < 0; ++i) {
      leader = leader_of(db, hosts);
      if (leader < 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (leader < 0) {
      std::printf("round %d: no leader within 4 s\n", round);
      continue;
    }
    std::vector<std::unique_ptr<CourseClient>> survivors;
    for (std::size_t i = 0; i < hosts.size(); ++i)
      if (static_cast<int>(i) != leader)
        survivors.push_back(std::make_unique<CourseClient>(CourseClientOptions{db.url(*hosts[i]), "register", 0.5}));
    auto killed = Clock::now();
    db.kill(*hosts[leader]);
    double took = -1;
    for (int attempt = 0; took < 0 && Clock::now() - killed < std::chrono::seconds(10); ++attempt) {
      Completion c = survivors[attempt % survivors.size()]->invoke(OpSpec{"write", round, std::nullopt});
      if (c.type == OpType::Ok) took = std::chrono::duration<double, std::milli>(Clock::now() - killed).count();
      else std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    std::printf("round %d: leader %s killed; a new leader answered after %.0f ms\n", round,
                hosts[leader]->name().c_str(), took);
    if (took >= 0) ms.push_back(took);
    db.start(*hosts[leader]);
    std::this_thread::sleep_for(std::chrono::seconds(1));  // it catches up before the next round
  }
  if (ms.empty()) return;
  std::sort(ms.begin(), ms.end());
  std::printf("leader kill → new leader answering: min %.0f ms, median %.0f ms, max %.0f ms (%zu rounds)\n", ms.front(),
              ms[ms.size() / 2], ms.back(), ms.size());
}

}  // namespace

int main(int argc, char** argv) {
  if (!running_as_root()) {
    std::printf("bench_course_raft: needs root (network namespaces); skipped\n");
    return 0;
  }
  double seconds = argc > 1 ? std::atof(argv[1]) : 15;
  int rounds = argc > 2 ? std::atoi(argv[2]) : 10;
  int concurrency = argc > 3 ? std::atoi(argv[3]) : 30;
  try {
    if (seconds > 0) {
      // kv: independent keys, so the check stays cheap at any concurrency;
      // one register at 10 workers is a search Knossos-style checkers can afford.
      throughput("kv", seconds, concurrency);
      throughput("register", seconds, 10);
    }
    if (rounds > 0) failover(rounds);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_course_raft: %s\n", e.what());
    return 70;
  }
  return 0;
}
