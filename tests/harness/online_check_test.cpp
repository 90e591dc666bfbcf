// Checked while the run records: 20 runs of the in-process memory system
// (kv and register, with and without its stale-read bug, different seeds)
// each get an online linearizability verdict that agrees with the check
// made after the run, and a buggy run with --stop-on-anomaly ends at its
// first anomaly, long before its ops limit. A run longer than the
// online-verdict bound (lowered here) takes the online verdicts as its own,
// reading its history only as a stream for the report, and `faultline
// check` of the same file agrees. No root, no cluster.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include <catch2/catch.hpp>

#include "cluster/process.h"
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
        CHECK(out.results["online"]["checkers"]["stats"]["agrees"] == true);
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

TEST_CASE("a run past the online-verdict bound is judged while it records, as `faultline check` judges it after", "[no-cluster]") {
  test::TempStore store;
  ::setenv("FAULTLINE_ONLINE_VERDICT_OPS", "1000", 1);
  ::setenv("FAULTLINE_REPORT_FULL_OPS", "1000", 1);
  struct Unset {
    ~Unset() {
      ::unsetenv("FAULTLINE_ONLINE_VERDICT_OPS");
      ::unsetenv("FAULTLINE_REPORT_FULL_OPS");
    }
  } unset;
  for (bool bug : {false, true}) {
    TestOptions o = memory_run(store.path, "kv", bug, 11);
    TestOutcome out = TestRun(o).run();
    INFO((bug ? "with stale-read: " : "bug-free: ") << out.results.dump().substr(0, 3000));
    REQUIRE(out.results["online"].contains("verdict"));  // the online verdicts are the run's
    CHECK(out.valid == (bug ? Validity::Invalid : Validity::Valid));
    CHECK(out.results["network"].is_null());  // the memory system counts no traffic, and no gate asked
    RunResult again = run_process({FL_BINARY, "check", out.run_dir + "/history.jsonl", "--model", "kv", "--checker",
                                   "linearizable,stats", "--json"},
                                  {std::chrono::seconds(60), {}, {}});
    const Json offline = Json::parse(again.out);
    CHECK(offline["valid"] == out.results["valid"]);
    CHECK(offline["checkers"]["linearizable"]["valid"] == out.results["checkers"]["linearizable"]["valid"]);
    CHECK(offline["checkers"]["stats"]["by_f"] == out.results["checkers"]["stats"]["by_f"]);
    if (bug) {
      CHECK_FALSE(out.results["checkers"]["linearizable"]["anomalies"].empty());
      // The key the offline check shows is among those the online one found
      // (it decides every key as it goes; the offline check shows the first).
      std::set<std::string> online_keys;
      for (const Json& a : out.results["checkers"]["linearizable"]["anomalies"]) online_keys.insert(a["key"].dump());
      REQUIRE_FALSE(offline["checkers"]["linearizable"]["anomalies"].empty());
      CHECK(online_keys.count(offline["checkers"]["linearizable"]["anomalies"][0]["key"].dump()) == 1);
    }
    // The report streamed the history and summarized it.
    std::ifstream html(out.run_dir + "/report.html");
    const std::string page((std::istreambuf_iterator<char>(html)), std::istreambuf_iterator<char>());
    CHECK(page.find("summarized") != std::string::npos);
  }
}
