// Disk faults on the course table's rows: a node whose design answers before
// fsync (durability=write) loses acknowledged adds when lose-unfsynced cuts
// its power — fl-diskfs forgets what no fsync made durable — and the same
// schedule leaves durability=fsync whole. Then a run SIGKILLed with its data
// directories mounted: `faultline heal` unmounts them and `faultline
// cluster down` leaves no fl-diskfs behind. Each ≤ 30 s on a real fl-
// cluster. Needs root and FUSE.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>

#include "course_support.h"
#include "nemesis/diskfs.h"
#include "tests/skip.h"

using namespace fl;
using namespace fl::test;

namespace {

// The course data directories mounted right now.
std::vector<std::string> course_mounts() {
  std::vector<std::string> out;
  std::ifstream in("/proc/self/mountinfo");
  for (std::string line; std::getline(in, line);)
    if (line.find(kCourseDataRoot) != std::string::npos) out.push_back(line);
  return out;
}

#define FL_REQUIRE_DISKFS()                                                              \
  do {                                                                                   \
    setenv("FL_DISKFS", FL_DISKFS_BINARY, 1);                                            \
    if (std::string why = diskfs_missing(); !why.empty()) FL_SKIP("this test needs " + why); \
  } while (0)

struct DiskRun {
  ClusterGuard guard;
  TempStore store;
  RemoveDir data{kCourseDataRoot};
  TestOutcome run(const CourseRow& row) {
    TestOutcome out = run_course_row(row, store);
    check_nothing_left();
    CHECK(course_mounts().empty());
    // fl-diskfs's own tests mount it beside this one: only ours count.
    CHECK(processes_left(FL_DISKFS_BINARY, kCourseDataRoot).empty());
    return out;
  }
};

// `single` keeps every key on n1, which /health names primary: every cut
// of power lands on the data. Three cuts in 12 s, each 2 s long.
CourseRow single_power_cuts(const std::string& durability) {
  CourseRow row;
  row.design = "single";
  row.opts = {"durability=" + durability};
  row.workload = "set";
  row.schedule = {"2s quiet", "2s lose-unfsynced target=primaries"};
  row.repeat_schedule = true;
  row.time_limit_s = 12;
  return row;
}

// Every raft node's power cut at once (or every node killed), 2 s of every 5.
CourseRow raft_every_node(const std::string& opt, const std::string& fault) {
  CourseRow row;
  row.design = "raft";
  if (!opt.empty()) row.opts = {opt};
  row.workload = "set";
  row.schedule = {"3s quiet", "2s " + fault + " target=all"};
  row.repeat_schedule = true;
  row.time_limit_s = 10;
  return row;
}

}  // namespace

TEST_CASE("single with durability=write: a power cut of its home node loses acknowledged adds, caught by set") {
  FL_REQUIRE_ROOT();
  FL_REQUIRE_DISKFS();
  DiskRun r;
  TestOutcome out = r.run(single_power_cuts("write"));
  CHECK(out.results.value("data-mount", "") == "fl-diskfs");
  CHECK(verdict_of(out, "set") == "invalid");
  CHECK(out.results["checkers"]["set"].value("lost-count", 0) > 0);
}

// The bug-free twin of the case above; raft's fsync case below keeps a
// "keeps" row in the default run, and scripts/course-table counts this one.
TEST_CASE("single with durability=fsync: the same power cuts lose nothing it acknowledged", "[soak]") {
  FL_REQUIRE_ROOT();
  FL_REQUIRE_DISKFS();
  DiskRun r;
  TestOutcome out = r.run(single_power_cuts("fsync"));
  CHECK(out.results.value("data-mount", "") == "fl-diskfs");
  CHECK(verdict_of(out, "set") == "valid");
}

TEST_CASE("raft with durability=write: a power cut of every node loses committed adds, caught by set") {
  FL_REQUIRE_ROOT();
  FL_REQUIRE_DISKFS();
  DiskRun r;
  TestOutcome out = r.run(raft_every_node("durability=write", "lose-unfsynced"));
  CHECK(verdict_of(out, "set") == "invalid");
  CHECK(out.results["checkers"]["set"].value("lost-count", 0) > 0);
}

// The control of the power-cut case above (a kill is no power cut);
// scripts/course-table counts it.
TEST_CASE("raft with durability=write: killing every node loses nothing (the page cache outlives the processes)",
          "[soak]") {
  FL_REQUIRE_ROOT();
  DiskRun r;
  TestOutcome out = r.run(raft_every_node("durability=write", "kill"));
  CHECK_FALSE(out.results.contains("data-mount"));
  CHECK(verdict_of(out, "set") == "valid");
}

TEST_CASE("raft with no-persist: a power cut of every node forgets every add, caught by set") {
  FL_REQUIRE_ROOT();
  FL_REQUIRE_DISKFS();
  DiskRun r;
  TestOutcome out = r.run(raft_every_node("bug=no-persist", "lose-unfsynced"));
  CHECK(verdict_of(out, "set") == "invalid");
}

TEST_CASE("raft (fsync before every answer): a power cut of every node loses nothing it acknowledged") {
  FL_REQUIRE_ROOT();
  FL_REQUIRE_DISKFS();
  DiskRun r;
  TestOutcome out = r.run(raft_every_node("", "lose-unfsynced"));
  CHECK(out.results.value("data-mount", "") == "fl-diskfs");
  CHECK(verdict_of(out, "set") == "valid");
}

TEST_CASE("torn-write, disk-corrupt, disk-truncate and disk-rollback each crash the home node and say what they did to its files") {
  FL_REQUIRE_ROOT();
  FL_REQUIRE_DISKFS();
  DiskRun r;
  CourseRow row;
  row.design = "single";
  row.workload = "set";
  row.schedule = {"1s quiet", "1s torn-write target=n1",    "1s quiet", "1s disk-corrupt target=n1",
                  "1s quiet", "1s disk-truncate target=n1", "1s quiet", "1s disk-rollback target=n1",
                  "1s quiet", "1s disk-rollback target=n1"};
  row.time_limit_s = 18;  // the phases end at 10 s; the rest is room for a slow machine's crashes and restarts
  TestOutcome out = r.run(row);
  CHECK(out.results.value("data-mount", "") == "fl-diskfs");
  std::ifstream in(out.run_dir + "/history.jsonl");
  std::string nemesis;
  for (std::string line; std::getline(in, line);)
    if (line.find("\"process\":\"nemesis\"") != std::string::npos) nemesis += line + "\n";
  INFO(nemesis);
  CHECK(nemesis.find("bytes of the newest write") != std::string::npos);
  CHECK(nemesis.find("bytes of single.wal at") != std::string::npos);
  CHECK(nemesis.find("cut single.wal from") != std::string::npos);
  CHECK(nemesis.find("no file had a copy yet") != std::string::npos);  // the first rollback: no heal before it
  CHECK(nemesis.find("rolled single.wal back to its snapshot") != std::string::npos);
}

TEST_CASE("a run SIGKILLed with its data on fl-diskfs: heal unmounts it, cluster down leaves no fl-diskfs") {
  FL_REQUIRE_ROOT();
  FL_REQUIRE_DISKFS();
  ClusterGuard guard;
  TempStore store;
  RemoveDir data{kCourseDataRoot};
  std::string log = store.path + ".log";
  int pid = spawn_daemon({FL_BINARY, "test", "--system", "course", "--opt", "design=single", "--opt",
                          std::string("binary=") + FL_COURSE_BINARY, "--opt", std::string("data-root=") + kCourseDataRoot,
                          "--workload", "set", "--nemesis", "lose-unfsynced", "--nemesis-interval", "2", "--time-limit",
                          "60", "--store", store.path, "--no-progress"},
                         log, {{"FL_DISKFS", FL_DISKFS_BINARY}});
  // Every node's data directory mounted, and the first power cut made.
  bool cut = false;
  for (int i = 0; i < 300 && !cut; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    cut = course_mounts().size() == 3 && !lines_with({"grep", "-rh", "start-lose-unfsynced", store.path}, "lost").empty();
  }
  signal_process(pid, SIGKILL);
  stop_process(pid, std::chrono::milliseconds(100));
  INFO(log);
  REQUIRE(cut);
  CHECK(course_mounts().size() == 3);  // the mounts outlived their maker

  RunResult heal = run_process({FL_BINARY, "heal"});
  INFO(heal.out << heal.err);
  CHECK(heal.exit_code == 0);
  CHECK(heal.out.find("unmounted fl-diskfs") != std::string::npos);
  CHECK(course_mounts().empty());

  RunResult down = run_process({FL_BINARY, "cluster", "down"});
  INFO(down.out << down.err);
  CHECK(down.exit_code == 0);
  CHECK(processes_left(FL_DISKFS_BINARY, kCourseDataRoot).empty());
  check_nothing_left();
}
