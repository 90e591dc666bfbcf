// COURSE.md's rows, short: for each design one row that must break and one
// that must keep (each ≤ 20 s on a real fl- cluster), plus the http system
// running fl-course as a student's server, a server that never becomes
// healthy, and a clock skew proven on the node's own clock. The full table
// (10 runs a row, up to 60 s) is scripts/course-table. Needs root.
#include <chrono>
#include <filesystem>
#include <thread>

#include "checkers/registry.h"
#include "cluster/local_cluster.h"
#include "course_support.h"
#include "tests/skip.h"
#include "harness/commands.h"
#include "nemesis/clock.h"
#include "systems/course/course_client.h"
#include "systems/course/course_db.h"

using namespace fl;
using namespace fl::test;

namespace {

// What each row needs around it: no cluster before or after, a scratch
// store, and the nodes' data removed.
struct CourseRun {
  ClusterGuard guard;
  TempStore store;
  RemoveDir data{kCourseDataRoot};
};

}  // namespace

TEST_CASE_METHOD(CourseRun, "single keeps linearizability under partitions, and the same server under --system http gives the same verdict") {
  FL_REQUIRE_ROOT();
  CourseRow row;
  row.design = "single";
  row.nemesis = {"partition"};
  TestOutcome course = run_course_row(row, store);
  CHECK(course.valid == Validity::Valid);
  CHECK(verdict_of(course, "linearizable") == "valid");
  CHECK(course.counts.ok > 500);
  CHECK(course.counts.fail + course.counts.info > 0);  // the cut-off side fails or times out
  for (const char* n : {"n1", "n2", "n3"}) CHECK(std::filesystem::exists(course.run_dir + "/nodes/" + n + "/" + n + ".log"));
  CHECK(std::filesystem::exists(course.run_dir + "/nodes/n1/single.wal"));
  WireCoverage wire = wire_coverage(course.run_dir, "/kv/");
  CHECK(wire.mismatched == 0);
  CHECK(wire.request_seen);
  CHECK(wire.ok_ops_with_exchanges == wire.ok_ops);  // every op it completed ok, on the wire
  check_nothing_left();

  row.system = "http";
  row.design.clear();
  row.opts = {"design=single"};
  row.nemesis.clear();
  row.time_limit_s = 5;
  TestOutcome http = run_course_row(row, store);
  CHECK(http.valid == course.valid);
  CHECK(verdict_of(http, "linearizable") == "valid");
  check_nothing_left();
}

TEST_CASE_METHOD(CourseRun, "a server that never answers /health ends the run with one sentence naming its log, and the cluster is torn down") {
  FL_REQUIRE_ROOT();
  std::string script = store.path + "-silent-server";
  {
    std::ofstream(script) << "#!/bin/sh\n# a student's server that never serves\nexec sleep 600\n";
    std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  }
  RemoveDir remove_script{script};
  TestOptions o;
  o.system = "http";
  o.workload = "register";
  o.system_options = {{"bin", script}, {"data-root", kCourseDataRoot}, {"healthy-within-s", 2}};
  o.time_limit_s = 5;
  o.store_dir = store.path;
  o.progress = false;
  o.plots = false;  // the page draws its own; gnuplot costs seconds a run
  o.print_summary = false;
  try {
    TestRun(o).run();
    FAIL("the run should not have started");
  } catch (const ClusterError& e) {
    std::string what = e.what();
    CHECK_THAT(what, Catch::Contains("did not answer GET /health within 2 s") &&
                         Catch::Contains(std::string(kCourseDataRoot) + "/n1.log"));
    CHECK(what.find('\n') == std::string::npos);
  }
  CHECK(lines_with({"ip", "netns", "list"}, "fl-").empty());
  CHECK(processes_using(script).empty());
}

TEST_CASE("a clock skew moves the fl-course node's own clock during the fault and not after the heal") {
  FL_REQUIRE_ROOT();
  ClusterGuard guard;
  RemoveDir data{kCourseDataRoot};
  auto cluster = LocalCluster::up(ClusterSpec{2, "10.213.92.0/24"});
  CourseDbOptions opts;
  opts.binary = FL_COURSE_BINARY;
  opts.args = {"--design", "single"};
  opts.data_root = kCourseDataRoot;
  CourseDb db(opts);
  auto hosts = cluster->hosts();
  struct Down {
    CourseDb& db;
    std::vector<Host*> hosts;
    ~Down() { db.teardown(hosts); }
  } down{db, hosts};
  db.setup(hosts);
  // The node's clock_ms minus ours, in seconds (the request's own latency is noise of milliseconds).
  auto offset = [&](Host& h) {
    auto before = std::chrono::system_clock::now();
    Json health = course_health(db.url(h), 1);
    REQUIRE(health.is_object());
    auto ours = std::chrono::duration_cast<std::chrono::milliseconds>(before.time_since_epoch()).count();
    return (health["clock_ms"].get<std::int64_t>() - ours) / 1000.0;
  };
  CHECK(std::abs(offset(*hosts[1])) < 0.5);
  ClockNemesis skew("clock", {{"mode", "skew"}, {"offset_s", -30}, {"target", "n2"}});
  NemesisContext ctx;
  ctx.nodes = hosts;
  ctx.db = &db;
  NemesisEvent e = skew.start(ctx);
  CHECK(e.value["offsets"]["n2"] == -30);
  CHECK(offset(*hosts[1]) == Approx(-30).margin(0.5));
  CHECK(std::abs(offset(*hosts[0])) < 0.5);  // only n2 is skewed
  skew.stop(ctx);
  CHECK(std::abs(offset(*hosts[1])) < 0.5);
}

TEST_CASE_METHOD(CourseRun, "primary-backup with asynchronous replication serves stale reads, caught by linearizable and read-your-writes") {
  FL_REQUIRE_ROOT();
  CourseRow row;
  row.design = "primary-backup";
  row.time_limit_s = 8;
  TestOutcome out = run_course_row(row, store);
  CHECK(out.valid == Validity::Invalid);
  CHECK(verdict_of(out, "linearizable") == "invalid");
  CHECK(verdict_of(out, "read-your-writes") == "invalid");
  check_nothing_left();
}

TEST_CASE_METHOD(CourseRun, "primary-backup with --sync --reads primary stays linearizable under partitions and kills") {
  FL_REQUIRE_ROOT();
  CourseRow row;
  row.design = "primary-backup";
  row.opts = {"sync", "reads=primary"};
  row.nemesis = {"partition", "kill"};
  TestOutcome out = run_course_row(row, store);
  CHECK(out.valid == Validity::Valid);
  CHECK(verdict_of(out, "linearizable") == "valid");
  CHECK(out.counts.ok > 200);
  check_nothing_left();
}

TEST_CASE_METHOD(CourseRun, "quorum with W + R <= N serves stale reads under partitions, even with ABD's write-back") {
  FL_REQUIRE_ROOT();
  CourseRow row;
  row.design = "quorum";
  row.opts = {"r=1", "w=1", "read-repair=sync"};
  row.nemesis = {"partition"};
  TestOutcome out = run_course_row(row, store);
  CHECK(out.valid == Validity::Invalid);
  CHECK(verdict_of(out, "linearizable") == "invalid");
  check_nothing_left();
}

TEST_CASE_METHOD(CourseRun, "quorum with ABD's read write-back stays linearizable under partitions and kills") {
  FL_REQUIRE_ROOT();
  CourseRow row;
  row.design = "quorum";
  row.opts = {"read-repair=sync"};
  row.nemesis = {"partition", "kill"};
  TestOutcome out = run_course_row(row, store);
  CHECK(out.valid == Validity::Valid);
  CHECK(verdict_of(out, "linearizable") == "valid");
  CHECK(verdict_of(out, "read-your-writes") == "valid");  // the session checkers judge it too
  CHECK(out.counts.ok > 200);
  check_nothing_left();
}

TEST_CASE_METHOD(CourseRun, "lww with wall clocks loses acknowledged adds under clock skew, caught by the set checker") {
  FL_REQUIRE_ROOT();
  CourseRow row;
  row.design = "lww";
  row.workload = "set";
  row.nemesis = {"clock"};
  TestOutcome out = run_course_row(row, store);
  CHECK(out.valid == Validity::Invalid);
  CHECK(verdict_of(out, "set") == "invalid");
  CHECK(out.results["checkers"]["set"]["anomaly-counts"].contains("lost"));
  check_nothing_left();
}

TEST_CASE_METHOD(CourseRun, "lww with --crdt keeps every acknowledged add under clock skew and partitions") {
  FL_REQUIRE_ROOT();
  CourseRow row;
  row.design = "lww";
  row.opts = {"crdt"};
  row.workload = "set";
  row.nemesis = {"clock", "partition"};
  TestOutcome out = run_course_row(row, store);
  CHECK(out.valid == Validity::Valid);
  CHECK(verdict_of(out, "set") == "valid");
  CHECK(out.counts.ok > 200);
  check_nothing_left();
}
