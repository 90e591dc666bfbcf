// Redis's documented durability trade-off, shown by a power cut: one
// redis-server (no replica to copy from) with its AOF on fl-diskfs, cut
// 1 s of every 3 by lose-unfsynced. With `appendfsync everysec` (Redis's
// default) the adds it acknowledged since its last fsync are gone after the
// restart; with `appendfsync always` none is (that control is [soak], for
// CI's time). Needs root and FUSE.
#include <catch2/catch.hpp>

#include "diskfs_case.h"
#include "e2e_support.h"
#include "nemesis/diskfs.h"
#include "tests/skip.h"

using namespace fl;

namespace {

TestOutcome power_cut_run(const std::string& appendfsync, const std::string& store, const std::string& data_root) {
  TestOptions o;
  o.system = "redis";
  o.workload = "set";
  o.nodes = 1;
  o.system_options = {{"data-root", data_root}, {"appendfsync", appendfsync}};
  o.schedule = {"2s quiet", "1s lose-unfsynced target=primaries"};
  o.repeat_schedule = true;
  o.time_limit_s = 6;
  o.quiet_s = 2;
  o.rate = 1000;
  o.store_dir = store;
  o.progress = false;
  o.plots = false;  // the page draws its own; gnuplot costs seconds a run
  o.print_summary = false;
  return TestRun(o).run();
}

}  // namespace

TEST_CASE("redis with appendfsync everysec loses acknowledged adds to a power cut") {
  FL_REQUIRE_ROOT();
  setenv("FL_DISKFS", FL_DISKFS_BINARY, 1);
  if (std::string why = diskfs_missing(); !why.empty()) FL_SKIP("this test needs " + why);
  test::DiskfsCase c{"/tmp/faultline-redis-disk-e2e"};
  TestOutcome everysec = power_cut_run("everysec", c.store.path + "/everysec", c.data_root);
  CHECK(everysec.results.value("data-mount", "") == "fl-diskfs");
  CHECK(everysec.results["checkers"]["set"]["valid"] == false);
  CHECK(everysec.results["checkers"]["set"].value("lost-count", 0) > 0);
}

// Its control: [soak] for CI's time; scripts/redis-power-table runs both
// settings ten times.
TEST_CASE("redis with appendfsync always keeps every acknowledged add through power cuts", "[soak]") {
  FL_REQUIRE_ROOT();
  setenv("FL_DISKFS", FL_DISKFS_BINARY, 1);
  if (std::string why = diskfs_missing(); !why.empty()) FL_SKIP("this test needs " + why);
  test::DiskfsCase c{"/tmp/faultline-redis-disk-e2e"};
  TestOutcome always = power_cut_run("always", c.store.path + "/always", c.data_root);
  CHECK(always.results.value("data-mount", "") == "fl-diskfs");
  CHECK(always.results["checkers"]["set"]["valid"] == true);
  CHECK(always.counts.ok > 100);
}
