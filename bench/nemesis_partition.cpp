// How long a partition takes to apply and to heal on a 5-node local cluster
// (issue 6 aims at < 100 ms each). Needs root; uses a running cluster of at
// least 5 nodes if there is one, otherwise makes its own and removes it.
// Prints min / median / max over the rounds; no assertion.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <vector>

#include "cluster/local_cluster.h"
#include "nemesis/fault_journal.h"
#include "nemesis/nemesis.h"

using namespace fl;

namespace {

void report(const char* what, std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  std::printf("%-28s min %7.1f ms   median %7.1f ms   max %7.1f ms   (%zu rounds)\n", what, ms.front(), ms[ms.size() / 2],
              ms.back(), ms.size());
}

}  // namespace

int main(int argc, char** argv) {
  if (!running_as_root()) {
    std::printf("bench_nemesis_partition: needs root (network namespaces); skipped\n");
    return 0;
  }
  int rounds = argc > 1 ? std::atoi(argv[1]) : 20;
  auto cluster = LocalCluster::existing();
  bool own = false;
  if (!cluster || cluster->hosts().size() < 5) {
    if (cluster) {
      std::printf("bench_nemesis_partition: a cluster with fewer than 5 nodes is up; run `faultline cluster down` first\n");
      return 64;
    }
    ClusterSpec spec;
    spec.nodes = 5;
    cluster = LocalCluster::up(spec);
    own = true;
  }
  std::vector<Host*> nodes = cluster->hosts();
  nodes.resize(5);
  std::mt19937_64 rng(1);
  NemesisContext ctx{nodes, nullptr, &rng};
  std::vector<double> apply_ms, heal_ms, journal_heal_ms;
  using clock = std::chrono::steady_clock;
  auto ms_since = [](clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(clock::now() - t0).count();
  };
  for (const char* shape : {"partition-halves", "partition-majorities-ring"}) {
    apply_ms.clear();
    heal_ms.clear();
    auto partition = make_nemesis(shape);
    for (int i = 0; i < rounds; ++i) {
      auto t0 = clock::now();
      partition->start(ctx);
      apply_ms.push_back(ms_since(t0));
      t0 = clock::now();
      partition->stop(ctx);
      heal_ms.push_back(ms_since(t0));
    }
    std::printf("%s on 5 nodes:\n", shape);
    report("  apply (journal + rules)", apply_ms);
    report("  heal (stop)", heal_ms);
  }
  // `faultline heal` after a crash: undo from the journal alone.
  auto partition = make_nemesis("partition-halves");
  for (int i = 0; i < rounds; ++i) {
    partition->start(ctx);
    auto t0 = clock::now();
    heal_journaled();
    journal_heal_ms.push_back(ms_since(t0));
  }
  report("heal from the journal", journal_heal_ms);
  cluster.reset();
  if (own) LocalCluster::down();
  return 0;
}
