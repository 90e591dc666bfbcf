// Shrinking a failing run: the delta-debugging search on settings judged by a
// known predicate (which cuts it keeps, which it must not), and `faultline
// shrink` through the real binary on the memory system's stale reads (no
// root): it cuts the clients and the length, writes a test.json that
// --config runs and still fails, and refuses a run that did not fail.
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "cluster/process.h"
#include "harness/shrink.h"
#include "temp_store.h"

using namespace fl;
namespace fs = std::filesystem;

namespace {

nlohmann::json scheduled(std::vector<std::string> phases) {
  return {{"system", "course"}, {"workload", "set"}, {"schedule", phases}, {"repeat_schedule", false},
          {"nemesis", nlohmann::json::array()}, {"time_limit", 16.0}, {"concurrency", 10}, {"seed", 7}};
}

bool has_phase(const nlohmann::json& s, const std::string& fault) {
  for (const auto& p : s["schedule"])
    if (p.get<std::string>().find(" " + fault) != std::string::npos) return true;
  return false;
}

nlohmann::json read_json_file(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

}  // namespace

TEST_CASE("shrink keeps only the phases, length and clients the failure needs", "[no-cluster]") {
  // Fails when a partition and a later kill both happen, with 4 s and 2
  // clients at least: the phases in between, the pause, and the rest go.
  nlohmann::json start = scheduled({"4s quiet", "4s partition-primaries", "2s pause", "4s quiet", "4s kill", "3s clock"});
  int runs = 0;
  TryRun fails = [&runs](const nlohmann::json& s) {
    ++runs;
    TrialResult r;
    r.failed = has_phase(s, "partition-primaries") && has_phase(s, "kill") && s["time_limit"].get<double>() >= 4 &&
               s["concurrency"].get<int>() >= 2;
    return r;
  };
  ShrinkOptions o;
  o.runs = 2;
  ShrinkOutcome out = shrink_settings(start, o, fails);
  CHECK(out.smallest["schedule"] == nlohmann::json({"1s partition-primaries", "1s kill"}));
  CHECK(schedule_faults(out.smallest) == 2);
  CHECK(schedule_faults(scheduled({"1s quiet", "2s partition-primaries"})) == 1);  // a quiet phase is no fault
  CHECK(out.smallest["time_limit"] == 4.0);
  CHECK(out.smallest["concurrency"] == 2);
  CHECK_FALSE(out.exhausted);
  // A kept cut failed every run; a cut that did not fail stopped at its first run.
  int made = 0;
  for (const ShrinkStep& s : out.steps) {
    CHECK(s.kept == (s.failed == 2));
    CHECK(s.tried == (s.kept ? 2 : 1));
    made += s.tried;
  }
  CHECK(made == runs);
}

TEST_CASE("shrink keeps no cut that fails only some of its runs", "[no-cluster]") {
  nlohmann::json start = scheduled({"4s partition", "4s kill"});
  int n = 0;
  // Without the kill, the run fails one time in two.
  TryRun flaky = [&n](const nlohmann::json& s) {
    TrialResult r;
    r.failed = has_phase(s, "kill") || (has_phase(s, "partition") && ++n % 2 == 0);
    if (!r.failed) r.note = "valid";
    return r;
  };
  ShrinkOptions o;
  o.runs = 3;
  ShrinkOutcome out = shrink_settings(start, o, flaky);
  CHECK(has_phase(out.smallest, "kill"));
  CHECK(schedule_faults(out.smallest) == 1);
  for (const ShrinkStep& s : out.steps)
    if (!s.kept) CHECK(s.note == "valid");
}

TEST_CASE("shrink stops at a run that could not be made, with the smallest settings found before it", "[no-cluster]") {
  nlohmann::json start = scheduled({"4s quiet", "4s partition", "4s quiet", "4s kill"});
  int runs = 0;
  TryRun fails = [&runs](const nlohmann::json& s) {
    TrialResult r;
    if (++runs > 3) {  // the server binary went missing, say
      r.broken = true;
      r.note = "exit 64: the course system's server is not an executable file";
      return r;
    }
    r.failed = has_phase(s, "partition");
    return r;
  };
  ShrinkOptions o;
  o.runs = 1;
  ShrinkOutcome out = shrink_settings(start, o, fails);
  CHECK(out.broken == "exit 64: the course system's server is not an executable file");
  CHECK(out.smallest["schedule"] == nlohmann::json({"4s partition"}));  // kept before it broke
  CHECK(runs == 4);  // nothing tried after it
}

TEST_CASE("faultline shrink cuts a failing run to fewer clients and a shorter run that still fails", "[no-cluster]") {
  test::TempStore store;
  RunResult run = run_process({FL_BINARY, "test", "--system", "memory", "--workload", "register", "--bug", "stale-read",
                               "--ops-limit", "1500", "--time-limit", "8", "--concurrency", "4", "--no-progress", "--no-plots",
                               "--store", store.path});
  REQUIRE(run.exit_code == 1);
  const std::string dir = fs::canonical(store.path + "/latest").string();
  RunResult r = run_process({FL_BINARY, "shrink", dir, "--runs", "1"}, {std::chrono::seconds(300), {}, {}});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("smallest (0 fault phases): no faults; time-limit 1 s; concurrency 1") != std::string::npos);
  const nlohmann::json smallest = read_json_file(dir + "/shrink/test.json");
  CHECK(smallest["concurrency"] == 1);
  CHECK(smallest["time_limit"] == 1.0);
  const nlohmann::json steps = read_json_file(dir + "/shrink/steps.json");
  CHECK(steps.size() >= 4);  // the start, and time-limit and concurrency halved
  CHECK(steps[0]["change"] == "the run as it was");
  // What it wrote runs as it is, and still fails.
  RunResult again = run_process({FL_BINARY, "test", "--config", dir + "/shrink/test.json", "--no-progress", "--no-plots", "--store",
                                 store.path});
  INFO(again.out << again.err);
  CHECK(again.exit_code == 1);
}

TEST_CASE("faultline shrink refuses a run that found no anomaly, and a folder that is no run", "[no-cluster]") {
  test::TempStore store;
  RunResult run = run_process({FL_BINARY, "test", "--system", "memory", "--workload", "register", "--ops-limit", "500",
                               "--no-progress", "--no-plots", "--store", store.path});
  REQUIRE(run.exit_code == 0);
  const std::string dir = fs::canonical(store.path + "/latest").string();
  RunResult r = run_process({FL_BINARY, "shrink", dir});
  CHECK(r.exit_code == 64);
  CHECK(r.err.find("is valid, not invalid: shrink cuts a run that found anomalies") != std::string::npos);
  CHECK_FALSE(fs::exists(dir + "/shrink"));
  RunResult none = run_process({FL_BINARY, "shrink", store.path});
  CHECK(none.exit_code == 64);
  CHECK(none.err.find("has no test.json") != std::string::npos);
}
