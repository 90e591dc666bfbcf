// End-to-end runs of the harness against the in-process memory system: no
// root, a few seconds each.
#include <chrono>
#include <cmath>
#include <iostream>
#include <optional>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include <catch2/catch.hpp>

#include "checkers/registry.h"
#include "cluster/process.h"
#include "harness/commands.h"
#include "harness/runner.h"
#include "history/format.h"
#include "history/jsonl.h"
#include "temp_store.h"

using namespace fl;
namespace fs = std::filesystem;

namespace {

TestOptions memory_test(const std::string& store, std::int64_t ops) {
  TestOptions o;
  o.system = "memory";
  o.workload = "register";
  o.store_dir = store;
  o.ops_limit = ops;
  o.time_limit_s = 30;
  o.concurrency = 10;
  o.progress = false;
  o.plots = false;  // the page draws its own; gnuplot costs seconds a run
  o.print_summary = false;
  o.seed = 7;
  return o;
}

Validity verdict_named(const TestOutcome& out, const std::string& checker) {
  const Json& v = out.results["checkers"][checker]["valid"];
  if (v == true) return Validity::Valid;
  if (v == false) return Validity::Invalid;
  return Validity::Unknown;
}

}  // namespace

TEST_CASE("a memory register run stores a complete run whose history re-checks to the same verdict", "[no-cluster]") {
  test::TempStore store;
  TestRun run(memory_test(store.path, 20000));
  TestOutcome out = run.run();
  CHECK(out.counts.ok + out.counts.fail + out.counts.info >= 20000);
  REQUIRE(!out.run_dir.empty());
  for (const char* f : {"history.jsonl", "results.json", "faultline.log", "test.json"})
    CHECK(fs::is_regular_file(out.run_dir + "/" + f));
  CHECK(fs::is_directory(out.run_dir + "/nodes"));
  CHECK(fs::equivalent(store.path + "/latest", out.run_dir));
  History h = read_history(out.run_dir + "/history.jsonl");
  CHECK(h.pairs().size() >= 20000);
  std::ifstream in(out.run_dir + "/results.json");
  Json results = Json::parse(in);
  CHECK(results["checkers"].contains("stats"));
  CHECK(results["checkers"].contains("linearizable"));
  CHECK(out.valid == Validity::Valid);
  CHECK(out.exit_code == 0);
  CHECK(results["valid"] == true);
  CHECK_FALSE(results.contains("run-problems"));
}

TEST_CASE("the memory system's stale-read bug is found as a linearizability anomaly", "[no-cluster]") {
  test::TempStore store;
  TestOptions o = memory_test(store.path, 5000);
  o.system_options = {{"bug", "stale-read"}};
  TestRun run(o);
  TestOutcome out = run.run();
  CHECK(out.valid == Validity::Invalid);
  CHECK(out.exit_code == 1);
  CHECK(out.results["checkers"]["linearizable"]["valid"] == false);
}

TEST_CASE("the register writes fresh values and its cas, expecting what a read saw, often succeeds", "[no-cluster]") {
  test::TempStore store;
  TestOutcome out = TestRun(memory_test(store.path, 5000)).run();
  REQUIRE(!out.run_dir.empty());
  History h = read_history(out.run_dir + "/history.jsonl");
  std::set<std::int64_t> written;
  int cas_ok = 0, repeated = 0;
  for (const OpPair& p : h.pairs()) {
    const Op& inv = h[static_cast<std::size_t>(p.invoke)];
    if (inv.f == "write" && !written.insert(inv.value.get<std::int64_t>()).second) ++repeated;
    if (inv.f == "cas" && !written.insert(inv.value[1].get<std::int64_t>()).second) ++repeated;
    if (inv.f == "cas" && h.outcome(p) == OpType::Ok) ++cas_ok;
  }
  CHECK(repeated == 0);
  // Every value is fresh, so a cas that guessed its expected value would
  // never succeed; one that expects what a read saw succeeds whenever no
  // other write came between. Since the memory system serves requests in
  // arrival order (every other client's op comes between a read and the
  // cas), 5,000 ops give 34–84 successes, so the floor is well below that.
  CHECK(cas_ok >= 10);
  CHECK(out.valid == Validity::Valid);
}

// Not [no-cluster]: its 50 workers' timing decides how hard the history is,
// and beside the CPU-heavy unlocked cases (the corpus through the CLI, the
// oracle) a CI run's stale-read check ended unknown.
TEST_CASE("a busy small-values register run (50 workers) is decided: valid, and invalid with stale reads") {
  test::TempStore store;
  TestOptions o = memory_test(store.path, 30000);
  o.concurrency = 50;
  o.workload_params = {{"values", "small"}};
  CHECK(TestRun(o).run().valid == Validity::Valid);
  // The replica that serves the stale reads answers at once, so a read it
  // serves does not overlap the ~40 writes queued at the primary, one of
  // which would nearly always have written the old value again.
  o.system_options = {{"bug", "stale-read"}};
  CHECK(TestRun(o).run().valid == Validity::Invalid);
}

// A stale read the fast refutations cannot see, planted after the end of a
// busy valid run (every worker has stopped, so the run's ops are all over):
//   write 3 (ok), then writes 1 and 2 run long and concurrently while one
//   process reads 1, then 2, then 1 again, and writes 1 once more afterwards.
// The second read of 1 is stale: 1 was overwritten by 2 and its only writer
// in reach ran once. Yet each read alone has a concurrent writer of its value
// and values repeat, so neither the unique-writes nor the stale-window
// refutation sees it; only a search can rule it out.
namespace {

History plant_stale_read(const History& run) {
  std::vector<Op> ops = run.ops();
  std::int64_t proc = 0, t = 0, top = 0;
  std::optional<Json> key;
  for (const Op& op : ops) {
    proc = std::max(proc, op.process);
    t = std::max(t, op.time);
    if (!op.is_nemesis() && op.key) key = op.key;
    if (op.value.is_number_integer()) top = std::max(top, op.value.get<std::int64_t>());
  }
  // Values the run never wrote, so the planted reads pin no op of the run.
  const std::int64_t a = top + 1, b = top + 2, c = top + 3;
  const std::int64_t writer_a = proc + 1, writer_b = proc + 2, reader = proc + 3;
  auto add = [&](std::int64_t p, OpType type, const char* f, Json v) {
    Op o;
    o.index = static_cast<std::int64_t>(ops.size());
    o.time = (t += 1000000);
    o.process = p;
    o.type = type;
    o.f = f;
    o.value = std::move(v);
    o.key = key;
    ops.push_back(std::move(o));
  };
  add(reader, OpType::Invoke, "write", c);
  add(reader, OpType::Ok, "write", c);
  add(writer_a, OpType::Invoke, "write", a);
  add(writer_b, OpType::Invoke, "write", b);
  for (std::int64_t v : {a, b, a}) {
    add(reader, OpType::Invoke, "read", nullptr);
    add(reader, OpType::Ok, "read", v);
  }
  add(writer_a, OpType::Ok, "write", a);
  add(writer_b, OpType::Ok, "write", b);
  add(reader, OpType::Invoke, "write", a);
  add(reader, OpType::Ok, "write", a);
  return History(std::move(ops), run.source() + " + planted stale read");
}

}  // namespace

// Not [no-cluster], for the same reason as the busy case above: its runs
// must first come out valid.
TEST_CASE("a stale read only the search can rule out, planted after a busy run (50 workers), is decided invalid") {
  for (const char* values : {"unique", "small"}) {
    INFO("values=" << values);
    test::TempStore store;
    TestOptions o = memory_test(store.path, 30000);
    o.concurrency = 50;
    o.workload_params = {{"values", values}};
    TestOutcome out = TestRun(o).run();
    // The run must be linearizable. Its overall verdict need not be valid:
    // on a loaded machine every one of the unique-values cas ops, each
    // expecting the last value its worker saw, can lose its race, and
    // `stats` then rightly flags cas as never succeeding.
    INFO("the run's checkers: " << out.results["checkers"].dump().substr(0, 2000));
    REQUIRE(verdict_named(out, "linearizable") == Validity::Valid);
    // No op of the run is left open: none could be linearized among the planted ones.
    REQUIRE(out.counts.info == 0);
    const History planted = plant_stale_read(read_history(out.run_dir + "/history.jsonl"));
    CheckOptions opts;
    opts.time_limit_s = 60;
    const auto t0 = std::chrono::steady_clock::now();
    CheckResult r = find_checker("linearizable")->check(planted, opts);
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    INFO(r.summary);
    REQUIRE(r.valid == Validity::Invalid);
    // Decided by the search, over the planted stretch from every state the
    // busy run can end in (the point where nothing is open cuts it off), not
    // by the unique-writes or stale-window refutations, which run first and
    // name themselves in the anomaly's method. The search over the whole
    // history had to exhaust every order of the busy run first, and ran out
    // of memory after 33,554,432 configurations.
    REQUIRE(r.detail["anomalies"].size() == 1);
    CHECK(r.detail["anomalies"][0]["method"] == "wgl after a cut");
    std::cout << "planted stale read (values=" << values << "): invalid by "
              << r.detail["anomalies"][0]["method"].get<std::string>() << " after " << r.detail["configurations"]
              << " configurations, " << took << " s\n";
  }
}

TEST_CASE("after an info a worker continues as a new process and the old one never invokes again", "[no-cluster]") {
  test::TempStore store;
  TestOptions o = memory_test(store.path, 4000);
  o.system_options = {{"lost-replies", 0.05}};
  o.workload = "kv";
  TestRun run(o);
  TestOutcome out = run.run();
  CHECK(out.counts.info > 0);
  History h = read_history(out.run_dir + "/history.jsonl");
  std::set<std::int64_t> retired;
  std::int64_t max_process = 0;
  for (const Op& op : h.ops()) {
    if (op.is_nemesis()) continue;
    max_process = std::max(max_process, op.process);
    if (op.is_invoke()) CHECK(retired.count(op.process) == 0);
    if (op.type == OpType::Info) retired.insert(op.process);
    if (op.is_invoke() && op.f != "read") CHECK(op.key.has_value());
  }
  CHECK(max_process >= 10);  // fresh ids beyond the first --concurrency
  CHECK(out.valid == Validity::Valid);
}

TEST_CASE("a stop request ends the run early, and the run still checks and writes its results", "[no-cluster]") {
  test::TempStore store;
  TestOptions o = memory_test(store.path, 0);
  o.time_limit_s = 60;
  o.rate = 2000;
  TestRun run(o);
  std::thread stopper([&run] {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    run.request_stop();
  });
  TestOutcome out = run.run();
  stopper.join();
  CHECK(out.interrupted);
  CHECK(out.main_phase_s < 30);
  CHECK(fs::is_regular_file(out.run_dir + "/results.json"));
  CHECK(out.counts.ok > 0);
}

TEST_CASE("on a stop request in-flight ops get 2 s to finish, then are recorded as info, and the run still checks", "[no-cluster]") {
  test::TempStore store;
  TestOptions o = memory_test(store.path, 0);
  o.time_limit_s = 60;
  o.concurrency = 4;
  o.system_options = {{"latency-us", 6000000}};  // every op takes 6 s: none can finish in the drain
  TestRun run(o);
  // Stop once every worker has surely invoked its first op (each takes 6 s,
  // so none has finished): at 300 ms, a CI machine under load had started
  // only three of the four.
  std::thread stopper([&run] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    run.request_stop();
  });
  TestOutcome out = run.run();
  stopper.join();
  CHECK(out.interrupted);
  History h = read_history(out.run_dir + "/history.jsonl");
  int interrupted = 0;
  for (const OpPair& p : h.pairs()) {
    REQUIRE(p.complete >= 0);  // every invocation got its completion
    const Op& done = h[static_cast<std::size_t>(p.complete)];
    if (done.type != OpType::Info || done.error != "interrupted") continue;
    ++interrupted;
    // Closed when the 2 s drain ended, not when the 6 s op came back.
    const double waited = static_cast<double>(done.time - h[static_cast<std::size_t>(p.invoke)].time) / 1e9;
    CHECK(waited >= 2.0);
    CHECK(waited < 5.5);
  }
  CHECK(interrupted == 4);
  CHECK(out.counts.info == 4);
  CHECK(fs::is_regular_file(out.run_dir + "/results.json"));
  // Four unknown ops constrain nothing (stats rightly notes that none succeeded).
  CHECK(out.results["checkers"]["linearizable"]["valid"] == true);
}

TEST_CASE("a check that runs past its budget makes the run unknown, with the reason in results.json", "[no-cluster]") {
  test::TempStore store;
  TestOptions o = memory_test(store.path, 20000);
  o.check_time_limit_s = 1e-6;
  TestOutcome out = TestRun(o).run();
  CHECK(out.valid == Validity::Unknown);
  CHECK(out.exit_code == 2);
  std::ifstream in(out.run_dir + "/results.json");
  Json results = Json::parse(in);
  CHECK(results["valid"] == "unknown");
  INFO(results.dump());
  REQUIRE(results.contains("reason"));
  const std::string reason = results["reason"];
  CHECK((reason.find("time limit") != std::string::npos || reason.find("budget") != std::string::npos));
  CHECK_THROWS_WITH([&] { o.check_time_limit_s = 0; TestRun bad(o); }(), Catch::Contains("--check-time-limit"));
}

TEST_CASE("a SIGKILLed run leaves a history that is valid up to its last complete line", "[no-cluster]") {
  test::TempStore store;
  RunOptions ro;
  ro.timeout = std::chrono::milliseconds(1500);  // then run_process sends SIGKILL
  RunResult r = run_process({FL_BINARY, "test", "--system", "memory", "--workload", "register", "--time-limit",
                             "60", "--rate", "20000", "--no-progress", "--store", store.path},
                            ro);
  CHECK(r.timed_out);
  std::string path = store.path + "/latest/history.jsonl";
  REQUIRE(fs::is_regular_file(path));
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  std::string complete = text.substr(0, text.rfind('\n') + 1);
  std::istringstream lines(complete);
  History h = read_jsonl(lines, path);
  CHECK(h.size() > 100);
  CHECK_FALSE(fs::exists(store.path + "/latest/results.json"));
}

TEST_CASE("unknown systems, workloads, nemeses and bugs are usage errors", "[no-cluster]") {
  test::TempStore store;
  TestOptions o = memory_test(store.path, 10);
  o.system = "nosuch";
  CHECK_THROWS_WITH(TestRun(o).run(), Catch::Contains("unknown system \"nosuch\" (known: memory, "));
  o = memory_test(store.path, 10);
  o.workload = "nosuch";
  CHECK_THROWS_WITH(TestRun(o).run(), Catch::Contains("unknown workload \"nosuch\" (known: register, "));
  o = memory_test(store.path, 10);
  o.system_options = {{"bug", "nosuch"}};
  CHECK_THROWS_WITH(TestRun(o).run(), Catch::Contains("unknown bug"));
  // A system option of the wrong JSON type: a usage error, not "internal
  // error: [json.exception.type_error.302]" (refused before any cluster).
  o = memory_test(store.path, 10);
  o.system = "redis";
  o.system_options = {{"data-root", 5}};
  CHECK_THROWS_WITH(TestRun(o).run(), Catch::Contains("wrong type"));
  o = memory_test(store.path, 10);
  o.nemesis = {"nosuch"};
  CHECK_THROWS_WITH(TestRun(o), Catch::Contains("unknown nemesis \"nosuch\" (known: partition, "));
  o.nemesis = {};
  o.schedule = {"10s earthquake"};
  CHECK_THROWS_WITH(TestRun(o), Catch::Contains("unknown nemesis \"earthquake\" (known: partition, "));
  o.schedule = {};
  o.nemesis = {"partition"};
  CHECK_THROWS_WITH(TestRun(o).run(), Catch::Contains("nothing to break"));
}

TEST_CASE("times and rates that are not finite numbers are usage errors", "[no-cluster]") {
  // CLI11 reads "nan" and "inf" as doubles; `--time-limit nan` passed the
  // `<= 0` test and ran until killed, and `--quiet-period nan` cast NaN
  // seconds to integer nanoseconds (UB).
  test::TempStore store;
  const double nan = std::nan(""), inf = HUGE_VAL;
  for (double TestOptions::*field : {&TestOptions::time_limit_s, &TestOptions::timeout_s,
                                     &TestOptions::nemesis_interval_s, &TestOptions::check_time_limit_s,
                                     &TestOptions::quiet_s, &TestOptions::rate}) {
    for (double bad : {nan, inf, -inf}) {
      TestOptions o = memory_test(store.path, 10);
      o.*field = bad;
      CHECK_THROWS_AS(TestRun(o), UsageError);
    }
  }
  TestOptions o = memory_test(store.path, 10);
  o.schedule = {"nans quiet"};
  CHECK_THROWS_AS(TestRun(o), UsageError);
}

TEST_CASE("the availability target judges the share of ops served, in a run and in a re-check of its history", "[no-cluster]") {
  test::TempStore store;
  TestOptions o = memory_test(store.path, 2000);
  o.system_options = {{"lost-replies", 0.05}};  // about one op in twenty ends info
  o.availability = "total";
  TestOutcome total = TestRun(o).run();
  CHECK(verdict_named(total, "linearizable") == Validity::Valid);
  REQUIRE(verdict_named(total, "availability") == Validity::Invalid);
  const Json& a = total.results["checkers"]["availability"];
  CHECK(a["anomalies"][0]["kind"] == "unavailable");
  CHECK(a["ok-count"].get<std::int64_t>() < a["op-count"].get<std::int64_t>());
  CHECK(total.valid == Validity::Invalid);
  std::ifstream test_json(total.run_dir + "/test.json");
  CHECK(Json::parse(test_json).value("availability", "") == "total");

  o.availability = "0.5";
  TestOutcome half = TestRun(o).run();
  CHECK(verdict_named(half, "availability") == Validity::Valid);
  CHECK(half.valid == Validity::Valid);

  const std::string history = total.run_dir + "/history.jsonl";
  CHECK(run_process({FL_BINARY, "check", "--availability", "total", history}).exit_code == 1);
  CHECK(run_process({FL_BINARY, "check", "--availability", "0.5", history}).exit_code == 0);
  RunResult bad = run_process({FL_BINARY, "check", "--availability", "most", history});
  CHECK(bad.exit_code == 64);
  CHECK(bad.err.find("\"total\" or a fraction from 0 to 1") != std::string::npos);
}
