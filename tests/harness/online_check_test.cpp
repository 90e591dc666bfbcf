// Checked while the run records: 20 runs of the in-process memory system
// (kv and register, with and without its stale-read bug, different seeds)
// each get an online linearizability verdict that agrees with the check
// made after the run, and a buggy run with --stop-on-anomaly ends at its
// first anomaly, long before its ops limit. No root, no cluster.
#include <catch2/catch.hpp>

#include "harness/runner.h"
#include "temp_store.h"

using namespace fl;

namespace {

TestOptions memory_run(const std::string& store, const std::string& workload, bool stale_read, std::uint64_t seed) {
  TestOptions o;
  o.system = "memory";
  o.workload = workload;
  if (stale_read) o.system_options = {{"bug", "stale-read"}};
  o.store_dir = store;
  o.ops_limit = 4000;
  o.time_limit_s = 30;
  o.concurrency = 8;
  o.progress = false;
  o.plots = false;
  o.print_summary = false;
  o.seed = seed;
  return o;
}

}  // namespace

TEST_CASE("online and offline linearizability verdicts agree on 20 recorded runs", "[no-cluster]") {
  test::TempStore store;
  int runs = 0, invalid = 0;
  for (const char* workload : {"kv", "register"})
    for (bool bug : {false, true})
      for (std::uint64_t seed = 1; seed <= 5; ++seed) {
        TestOutcome out = TestRun(memory_run(store.path, workload, bug, seed)).run();
        const Json& online = out.results["online"]["checkers"]["linearizable"];
        INFO(workload << (bug ? " with stale-read" : "") << ", seed " << seed << ": " << out.results.dump());
        CHECK(online["agrees"] == true);
        CHECK(online["valid"] == out.results["checkers"]["linearizable"]["valid"]);
        if (!bug) CHECK(online["valid"] == true);
        invalid += online["valid"] == false;
        ++runs;
      }
  CHECK(runs == 20);
  CHECK(invalid >= 8);  // the bug shows in nearly every short run
}

TEST_CASE("a run with --stop-on-anomaly ends at the first anomaly its online check finds", "[no-cluster]") {
  test::TempStore store;
  TestOptions o = memory_run(store.path, "kv", true, 3);
  o.ops_limit = 0;
  o.time_limit_s = 20;
  o.stop_on_anomaly = true;
  TestOutcome out = TestRun(o).run();
  CHECK(out.valid == Validity::Invalid);
  CHECK(out.results["online"]["stopped-on-anomaly"] == true);
  CHECK(out.results["online"]["checkers"]["linearizable"]["agrees"] == true);
  CHECK(out.main_phase_s < 10);
}
