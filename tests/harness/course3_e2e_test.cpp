// The course table's bug knobs, one short run each on the row's own faults
// (scripts/course-table), each found by the one checker the row counts:
// raft stale-read, no-persist and relay-retry (under late packets), 2pc
// unilateral-abort and non-idempotent-commit (under late packets), Redlock under a
// clock bump, quorum without read repair, the sloppy quorum, and lww's
// wall clocks under skew (counted by causal: with agreeing clocks they keep
// it). Each ≤ 30 s on a real fl- cluster, nothing left behind. Needs root.
#include <algorithm>
#include <filesystem>

#include "course_support.h"
#include "tests/skip.h"

using namespace fl;
using namespace fl::test;

namespace {

struct KnobRun {
  ClusterGuard guard;
  TempStore store;
  RemoveDir data{kCourseDataRoot};
  TestOutcome run(const CourseRow& row) {
    TestOutcome out = run_course_row(row, store);
    check_nothing_left();
    return out;
  }
  // Runs `row` up to `max_runs` times, stopping at the first run `checker`
  // finds invalid; its last verdict.
  std::string first_invalid(const CourseRow& row, const std::string& checker, int max_runs) {
    std::string verdict;
    for (int runs = 1; runs <= max_runs && verdict != "invalid"; ++runs) {
      verdict = verdict_of(run(row), checker);
    }
    return verdict;
  }
};

}  // namespace

TEST_CASE("raft with stale-read: a leader cut off from the majority serves its old values, caught by linearizable") {
  FL_REQUIRE_ROOT();
  KnobRun r;
  CourseRow row;
  row.design = "raft";
  row.opts = {"bug=stale-read"};
  row.nemesis = {"partition-primaries"};
  row.concurrency = 12;  // 4 clients per node: the deposed leader keeps its own
  row.time_limit_s = 12;
  row.interval_s = 4;
  TestOutcome out = r.run(row);
  CHECK(verdict_of(out, "linearizable") == "invalid");
}

TEST_CASE("raft with no-persist: a majority killed and restarted forgets acknowledged adds, caught by set") {
  FL_REQUIRE_ROOT();
  KnobRun r;
  CourseRow row;
  row.design = "raft";
  row.opts = {"bug=no-persist"};
  row.workload = "set";
  row.nemesis = {"kill-majority-pause-rest"};
  row.time_limit_s = 12;
  row.interval_s = 4;
  TestOutcome out = r.run(row);
  CHECK(verdict_of(out, "set") == "invalid");
  CHECK(out.results["checkers"]["set"].value("lost-count", 0) > 0);
}

TEST_CASE("2pc with unilateral-abort: a participant that decides alone while the other commits breaks the bank's total") {
  FL_REQUIRE_ROOT();
  KnobRun r;
  CourseRow row;
  row.design = "2pc";
  row.opts = {"bug=unilateral-abort"};
  row.workload = "bank";
  row.workload_params = {{"read-fraction", 0.1}};
  row.schedule = {R"(1.7s partition grudge={"n1":["n2"],"n2":["n1"]})", "0.5s quiet",
                  R"(1.7s partition grudge={"n1":["n3"],"n3":["n1"]})", "0.5s quiet",
                  "1.5s kill-primaries", "0.5s quiet"};
  row.repeat_schedule = true;
  row.time_limit_s = 24;
  TestOutcome out = r.run(row);
  CHECK(verdict_of(out, "bank") == "invalid");
}

TEST_CASE("2pc with non-idempotent-commit: late answers make the coordinator redeliver a commit, applied twice, caught by bank") {
  FL_REQUIRE_ROOT();
  KnobRun r;
  CourseRow row;
  row.design = "2pc";
  row.opts = {"bug=non-idempotent-commit"};
  row.workload = "bank";
  row.workload_params = {{"read-fraction", 0.1}};
  // The row's schedule: packets late by a Pareto-distributed delay (50 ms
  // typical, a long tail) for 6 s, then 2 s on time, again and again. Most
  // exchanges stay within the coordinator's 400 ms peer timeout; now and
  // then an answer does not: the commit had arrived, its answer came too
  // late, and the coordinator delivers it again — applied again. (A normal
  // delay long enough to pass the timeout often also stops the transfers.)
  row.schedule = {"6s delay delay_ms=50 jitter_ms=100 distribution=pareto", "2s quiet"};
  row.repeat_schedule = true;
  row.time_limit_s = 16;
  TestOutcome out = r.run(row);
  CHECK(verdict_of(out, "bank") == "invalid");
}

TEST_CASE("raft with relay-retry: a follower sends a late relayed request again, applied twice, caught by linearizable") {
  FL_REQUIRE_ROOT();
  KnobRun r;
  CourseRow row;
  row.design = "raft";
  row.opts = {"bug=relay-retry"};
  row.workload = "register";
  // Half reads, 4 ops in 10 a cas: the register changes seldom enough that a
  // cas often applies, and its second copy then answers that it failed.
  row.workload_params = {{"mix", {{"read", 0.5}, {"write", 0.1}, {"cas", 0.4}}}};
  // The row's schedule: every packet 30 ms late. A relayed request that waits
  // on replication over late packets passes the follower's 100 ms, is sent
  // again, and both copies are applied: a cas applies and then answers that
  // it failed, or a write comes back after a later one.
  row.schedule = {"6s delay delay_ms=30 jitter_ms=5", "2s quiet"};
  row.repeat_schedule = true;
  row.time_limit_s = 16;
  // The table found it in 10 of 10 runs; a CI run under the sanitizers, its
  // two cores busy with a compiler beside it, missed it once. Up to twice,
  // passing on the first run that finds it.
  CHECK(r.first_invalid(row, "linearizable", 2) == "invalid");
}

TEST_CASE("Redlock on 5 lock nodes: a clock bump on a majority ends a lease early and two clients hold the lock, caught by lock") {
  FL_REQUIRE_ROOT();
  KnobRun r;
  CourseRow row;
  row.design = "lock";
  row.opts = {"redlock=5"};
  row.workload = "lock";
  // The row's: holds that last (3 s leases, every holder pausing 1 s within
  // its lease), so each bump lands on a live hold.
  row.workload_params = {{"ttl-ms", 3000}, {"pause-ms", 1000}, {"pause-rate", 1}};
  row.nodes = 5;
  row.nemesis = {"clock-bump-majority"};
  row.time_limit_s = 12;
  TestOutcome out = r.run(row);
  // Counted: overlapping holds. (Redlock's tokens are no fencing tokens, so
  // the lock checker also finds writes out of token order, fault or not.)
  std::vector<std::string> kinds;
  for (const Json& a : out.results["checkers"]["lock"].value("anomalies", Json::array())) kinds.push_back(a["kind"]);
  CHECK(std::find(kinds.begin(), kinds.end(), "overlapping-holds") != kinds.end());
}

// [soak]: out of the default run. Its race needs the table's 40 s runs, and
// under the sanitizers one run in two missed it: up to 96 s of the serial
// part of CI. scripts/course-table counts the row (10 of 10 at 40 s);
// `test_harness "[soak]"` runs this case by hand.
TEST_CASE("quorum with W + R > N and no read repair returns a new value, then an old one, caught by linearizable", "[soak]") {
  FL_REQUIRE_ROOT();
  KnobRun r;
  CourseRow row;
  row.design = "quorum";
  // The row's faults. Any two replicas share one with the newest completed
  // write, so a value goes back only while a write is in flight: a partition
  // or a kill that cuts one between its replicas. That shows in most 20 s
  // runs, not all (6 of 7 in the table; a CI run under the sanitizers missed
  // it three times running); at the table's 40 s it showed in 10 of 10. The
  // case runs the table's length, up to twice, and passes on the first run
  // that finds it. (A partition 2 s of every 3 shows it in 15 s in a
  // Release build, 10 of 10 in the table, but under the sanitizers three
  // such runs in a row stayed linearizable.)
  row.nemesis = {"partition", "kill"};
  row.time_limit_s = 40;
  row.interval_s = 4;
  CHECK(r.first_invalid(row, "linearizable", 2) == "invalid");
}

TEST_CASE("a sloppy quorum under partitions acknowledges writes that later reads miss, caught by linearizable") {
  FL_REQUIRE_ROOT();
  KnobRun r;
  CourseRow row;
  row.design = "quorum";
  row.opts = {"sloppy"};
  row.nodes = 5;
  // The row's schedule: halves (2 | 3) for 3 s, then 1 s healed, again and
  // again. Cut into two sides of at least two nodes each, both sides take
  // writes (the side without two owners hands them to stand-ins as hints),
  // so each side reads its own writes and not the other's. Random grudges
  // (the nemesis `partition`) sometimes cut off one node alone, which
  // cannot write, and a 12 s run could then stay linearizable (1 CI run).
  row.schedule = {"3s partition grudge=halves", "1s quiet"};
  row.repeat_schedule = true;
  row.rate = 100;  // gaps between a side's writes, where its reads miss the other side's
  row.time_limit_s = 12;
  TestOutcome out = r.run(row);
  CHECK(verdict_of(out, "linearizable") == "invalid");
}

TEST_CASE("lww with wall clocks under clock skew stamps a write below the value its writer read, caught by causal") {
  FL_REQUIRE_ROOT();
  KnobRun r;
  CourseRow row;
  row.design = "lww";
  row.nemesis = {"clock"};
  TestOutcome out = r.run(row);
  CHECK(verdict_of(out, "causal") == "invalid");
}
