// Disk faults' plumbing: which nemeses need the data on fl-diskfs and why one
// is refused, and fl-diskfs mounted over a node's directory through the
// host — journaled before it is made, a loss through its control file, the
// data back in the directory after unmount, and a mount left by a crash
// undone by heal. Needs root and FUSE for the mount.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "nemesis/diskfs.h"
#include "nemesis/fault_journal.h"
#include "nemesis/nemesis.h"
#include "nemesis_guard.h"
#include "tests/recording_db.h"
#include "tests/skip.h"

using namespace fl;

namespace {

bool mounted(const std::string& dir) {
  std::ifstream in("/proc/self/mountinfo");
  for (std::string line; std::getline(in, line);)
    if (line.find(" " + dir + " ") != std::string::npos) return true;
  return false;
}

const char* kDir = "/tmp/fl-diskfs-nemesis-test/n1";

}  // namespace

TEST_CASE("the disk faults need the data on fl-diskfs and say why they cannot run", "[no-cluster]") {
  setenv("FL_DISKFS", FL_DISKFS_BINARY, 1);
  for (const char* name : {"lose-unfsynced", "torn-write", "disk-corrupt", "disk-truncate", "disk-rollback"}) {
    auto n = make_nemesis(name);
    REQUIRE(n);
    CHECK(n->needs_data_mount());
    test::RecordingDb db;  // mounts no data directory
    std::string why = n->unavailable(&db);
    INFO(why);
    CHECK(why.rfind(std::string("the ") + name + " nemesis needs ", 0) == 0);
    if (diskfs_missing().empty()) {
      CHECK(why.find("which recording does not support") != std::string::npos);
      CHECK(n->unavailable(nullptr).find("needs a system under test") != std::string::npos);
    }
  }
  CHECK_FALSE(make_nemesis("kill")->needs_data_mount());
  CHECK(make_nemesis("partition+lose-unfsynced")->needs_data_mount());  // a part of a composite too
  CHECK_THROWS_AS(make_nemesis("torn-write", {{"keep", -1}}), ClusterError);
}

TEST_CASE("a power cut's writeback option sets how often the mount makes writes durable, and a combination takes the longest",
          "[no-cluster]") {
  CHECK(fl::make_nemesis("lose-unfsynced", {})->data_mount_writeback_ms() == 0);
  CHECK(fl::make_nemesis("lose-unfsynced", {{"writeback", 5}})->data_mount_writeback_ms() == 5000);
  CHECK(fl::make_nemesis("torn-write", {{"writeback", 0.25}})->data_mount_writeback_ms() == 250);
  CHECK(fl::make_nemesis("partition+lose-unfsynced", {{"writeback", 2}})->data_mount_writeback_ms() == 2000);
  CHECK_THROWS_WITH(fl::make_nemesis("lose-unfsynced", {{"writeback", 0}}),
                    "lose-unfsynced: writeback must be a number of seconds (more than 0, at most 3600)");
  CHECK_THROWS(fl::make_nemesis("lose-unfsynced", {{"writeback", "soon"}}));
}

TEST_CASE("fl-diskfs over a node's directory: journaled, a loss on command, the data back after unmount, heal after a crash",
          "[nemesis][root]") {
  FL_REQUIRE_ROOT();
  setenv("FL_DISKFS", FL_DISKFS_BINARY, 1);
  if (std::string why = diskfs_missing(); !why.empty()) FL_SKIP("this test needs " + why);
  test::NemesisCluster c(1);
  Host& h = *c.cluster->host("n1");
  std::filesystem::remove_all("/tmp/fl-diskfs-nemesis-test");
  std::filesystem::create_directories(kDir);
  auto mount = make_diskfs_mount();

  mount->mount(h, kDir);
  CHECK(mounted(kDir));
  auto journaled = journaled_faults();
  REQUIRE(journaled.size() == 1);
  CHECK(journaled[0].value("kind", "") == "diskfs");
  CHECK(journaled[0].value("pid", 0) > 1);
  // Through the node: a file never synced, then a loss takes it, name and all.
  REQUIRE(h.run({"cp", "/etc/hostname", std::string(kDir) + "/lost"}).ok());
  REQUIRE(h.run({"cp", "/etc/hostname", std::string(kDir) + "/kept"}).ok());
  CHECK(diskfs_ctl(h, kDir, {"lose"}).find("lost") == 0);
  CHECK_FALSE(std::filesystem::exists(std::string(kDir) + "/lost"));
  REQUIRE(h.run({"cp", "/etc/hostname", std::string(kDir) + "/kept"}).ok());
  CHECK(diskfs_ctl(h, kDir, {"sync"}).find("made") == 0);
  CHECK_THROWS_AS(diskfs_ctl(h, kDir, {"rollback", "kept"}), ClusterError);  // no snapshot: refused, said

  mount->unmount(h, kDir);
  CHECK_FALSE(mounted(kDir));
  CHECK(std::filesystem::exists(std::string(kDir) + "/kept"));
  CHECK_FALSE(std::filesystem::exists(std::string(kDir) + ".backing"));
  CHECK_FALSE(std::filesystem::exists(std::string(kDir) + "/.fl-diskfs"));
  CHECK(journaled_faults().empty());

  // A run that dies with the mount up: heal ends the program and unmounts.
  auto orphan = make_diskfs_mount();
  orphan->mount(h, kDir);
  REQUIRE(mounted(kDir));
  auto lines = heal_journaled();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].find("unmounted fl-diskfs from") == 0);
  CHECK_FALSE(mounted(kDir));
  CHECK(journaled_faults().empty());
  std::filesystem::remove_all("/tmp/fl-diskfs-nemesis-test");
}
