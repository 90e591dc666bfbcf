// A run whose store's disk is about to fill: on a small tmpfs of its own,
// an in-process memory-system run with no ops limit ends its main phase once
// less than its reserve is left, long before its time limit; the history it
// wrote is whole, checked and valid, the report is written, and the run is
// not called valid (it did not run as long as it claims). Needs root (the
// mount); cleans up even when a check fails.
#include <sys/mount.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "harness/runner.h"
#include "history/history.h"
#include "tests/skip.h"

using namespace fl;

namespace {

// A tmpfs of `mb` MB at /tmp/fl-disk-reserve-<pid>, gone with the object.
struct SmallDisk {
  std::string path = "/tmp/fl-disk-reserve-" + std::to_string(getpid());
  bool mounted = false;
  explicit SmallDisk(int mb) {
    std::filesystem::create_directories(path);
    const std::string size = "size=" + std::to_string(mb) + "m";
    mounted = ::mount("fl-disk-reserve", path.c_str(), "tmpfs", 0, size.c_str()) == 0;
  }
  ~SmallDisk() {
    if (mounted) ::umount2(path.c_str(), MNT_DETACH);
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

}  // namespace

TEST_CASE("a run whose store's disk nearly fills ends early, checks what it recorded and is not called valid",
          "[no-cluster]") {
  FL_REQUIRE_ROOT();
  SmallDisk disk(48);
  REQUIRE(disk.mounted);
  TestOptions o;
  o.system = "memory";
  o.workload = "kv";
  o.store_dir = disk.path;
  o.time_limit_s = 120;
  o.concurrency = 8;
  o.progress = false;
  o.plots = false;
  o.print_summary = false;
  o.disk_reserve_bytes = std::int64_t{16} << 20;  // about 8 MB of history, then stop
  const TestOutcome out = TestRun(o).run();
  INFO(out.results.dump());
  CHECK(out.main_phase_s < 100);
  CHECK(out.valid == Validity::Unknown);
  REQUIRE(out.problems.size() == 1);
  CHECK(out.problems[0].find("the store's disk") != std::string::npos);
  CHECK(out.results["checkers"]["linearizable"]["valid"] == true);
  CHECK(!out.report_path.empty());
  CHECK(std::filesystem::exists(out.report_path));
  // Every line of the history is whole: it reads back, every op paired.
  const History h = read_history(out.run_dir + "/history.jsonl", Format::Jsonl);
  CHECK(h.size() > 10000);
  CHECK(static_cast<std::int64_t>(h.size()) == out.counts.invoked * 2);
}
