// COURSE.md's rows for raft, lock and 2pc, short: for each design one row
// that must break and one that must keep, each ≤ 20 s on a real fl- cluster
// with nothing left behind. The full rows (10 runs each, up to 60 s) are in
// scripts/course-table. Needs root.
#include <filesystem>
#include <fstream>

#include "course_support.h"
#include "tests/skip.h"

using namespace fl;
using namespace fl::test;

namespace {

// How many ops of `f` ended with `type` (ok, fail, info).
std::int64_t count(const TestOutcome& out, const std::string& f, const std::string& type) {
  const Json& stats = out.results["checkers"]["stats"];
  if (!stats.contains("by_f") || !stats["by_f"].contains(f)) return -1;
  return stats["by_f"][f].value(type, std::int64_t{0});
}

std::vector<std::string> anomaly_kinds(const TestOutcome& out, const std::string& checker) {
  std::vector<std::string> kinds;
  for (const Json& a : out.results["checkers"][checker].value("anomalies", Json::array())) kinds.push_back(a["kind"]);
  return kinds;
}

struct Row {
  ClusterGuard guard;
  TempStore store;
  RemoveDir data{kCourseDataRoot};
  TestOutcome run(const CourseRow& row) {
    TestOutcome out = run_course_row(row, store);
    check_nothing_left();
    return out;
  }
};

}  // namespace

TEST_CASE("raft keeps linearizability while nodes are cut off, killed and paused") {
  FL_REQUIRE_ROOT();
  Row r;
  CourseRow row;
  row.design = "raft";
  row.nemesis = {"partition", "kill", "pause"};
  row.time_limit_s = 12;
  row.interval_s = 2;
  row.rate = 500;
  TestOutcome out = r.run(row);
  CHECK(verdict_of(out, "linearizable") == "valid");
  CHECK(out.counts.ok > 1000);
  CHECK(out.valid == Validity::Valid);
}

// Log compaction (§7) at a tiny threshold: every node snapshots many times
// in the run, and a follower that was cut off or killed for 2 s comes back
// behind the leader's snapshot and is sent it (InstallSnapshot).
TEST_CASE("raft compacting its log every 50 entries stays linearizable under partitions and kills, a follower installs a snapshot") {
  FL_REQUIRE_ROOT();
  Row r;
  CourseRow row;
  row.design = "raft";
  row.opts = {"snapshot-entries=50"};
  row.nemesis = {"partition", "kill"};
  row.time_limit_s = 12;
  row.interval_s = 2;
  row.rate = 500;
  TestOutcome out = r.run(row);
  CHECK(verdict_of(out, "linearizable") == "valid");
  CHECK(out.counts.ok > 1000);
  CHECK(out.valid == Validity::Valid);
  int snapshots = 0, installs = 0;
  for (const char* n : {"n1", "n2", "n3"}) {
    std::ifstream in(out.run_dir + "/nodes/" + n + "/" + n + ".log");
    for (std::string line; std::getline(in, line);) {
      snapshots += line.find(": snapshot to ") != std::string::npos;
      installs += line.find(": installed the snapshot to ") != std::string::npos;
    }
  }
  CHECK(snapshots > 3);
  CHECK(installs > 0);
}

TEST_CASE("raft with early-ack loses the adds a cut-off leader acknowledged alone") {
  FL_REQUIRE_ROOT();
  Row r;
  CourseRow row;
  row.design = "raft";
  row.opts = {"bug=early-ack"};
  row.workload = "set";
  // The row's schedule (scripts/course-table), up to the heal after the cut.
  row.schedule = {"4s quiet", "4s partition-primaries", "4s quiet", "4s kill"};
  row.time_limit_s = 12;
  row.rate = 300;
  TestOutcome out = r.run(row);
  CHECK(verdict_of(out, "set") == "invalid");
  CHECK(out.results["checkers"]["set"].value("lost-count", 0) > 0);
}

TEST_CASE("the lock store with fencing refuses a paused client's stale write and keeps its log in token order") {
  FL_REQUIRE_ROOT();
  Row r;
  CourseRow row;
  row.design = "lock";
  row.opts = {"fencing"};
  row.workload = "lock";
  row.time_limit_s = 10;
  TestOutcome out = r.run(row);
  CHECK(verdict_of(out, "lock") == "valid");
  CHECK(count(out, "pause", "ok") > 0);
  CHECK(count(out, "write", "fail") > 0);  // the refused stale writes
}

TEST_CASE("the lock store without fencing accepts a paused client's write after a newer holder's") {
  FL_REQUIRE_ROOT();
  Row r;
  CourseRow row;
  row.design = "lock";
  row.workload = "lock";
  row.time_limit_s = 10;
  TestOutcome out = r.run(row);
  CHECK(verdict_of(out, "lock") == "invalid");
  std::vector<std::string> kinds = anomaly_kinds(out, "lock");
  CHECK(std::find(kinds.begin(), kinds.end(), "stale-write-accepted") != kinds.end());
}

TEST_CASE("2pc keeps the bank's total while its coordinator is killed, and the transfers caught in it end as info") {
  FL_REQUIRE_ROOT();
  Row r;
  CourseRow row;
  row.design = "2pc";
  row.workload = "bank";
  row.nemesis = {"kill-primaries"};
  row.time_limit_s = 10;
  row.interval_s = 2;
  row.rate = 200;
  TestOutcome out = r.run(row);
  CHECK(verdict_of(out, "bank") == "valid");
  CHECK(count(out, "transfer", "ok") > 100);
  CHECK(count(out, "read", "ok") > 20);
}

TEST_CASE("2pc with sagas lets a read see a debit before its credit") {
  FL_REQUIRE_ROOT();
  Row r;
  CourseRow row;
  row.design = "2pc";
  row.opts = {"saga"};
  row.workload = "bank";
  row.time_limit_s = 6;
  TestOutcome out = r.run(row);
  CHECK(verdict_of(out, "bank") == "invalid");
  std::vector<std::string> kinds = anomaly_kinds(out, "bank");
  CHECK(std::find(kinds.begin(), kinds.end(), "wrong-total") != kinds.end());
}
