// The durability model of fl-diskfs without FUSE: a backing directory in
// /tmp, changes made the way the filesystem makes them (the log first, then
// the call), and a loss that must leave exactly what was durable.
#include <catch2/catch.hpp>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>

#include "fl-diskfs/disk_faults.h"
#include "fl-diskfs/undo_log.h"

namespace {

namespace fsys = std::filesystem;

// A backing directory and its trash, removed at the end.
struct Backing {
  std::string root;
  std::string trash;
  Backing() {
    char tmpl[] = "/tmp/fl-diskfs-test-XXXXXX";
    root = ::mkdtemp(tmpl);
    trash = root + "/.trash";
  }
  ~Backing() {
    std::error_code ec;
    fsys::remove_all(root, ec);
  }
  std::string at(const std::string& rel) const { return root + "/" + rel; }
};

// The filesystem's create: the call, then the record.
int create(diskfs::UndoLog& log, const std::string& rel) {
  int fd = ::openat(log.root_fd(), rel.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  REQUIRE(fd >= 0);
  log.created(rel);
  return fd;
}

int open_rw(diskfs::UndoLog& log, const std::string& rel) {
  int fd = ::openat(log.root_fd(), rel.c_str(), O_RDWR | O_CLOEXEC);
  REQUIRE(fd >= 0);
  return fd;
}

void write_at(diskfs::UndoLog& log, int fd, off_t offset, const std::string& data) {
  log.before_write(fd, offset, data.size());
  REQUIRE(::pwrite(fd, data.data(), data.size(), offset) == static_cast<ssize_t>(data.size()));
}

void append(diskfs::UndoLog& log, int fd, const std::string& data) {
  struct stat st {};
  ::fstat(fd, &st);
  write_at(log, fd, st.st_size, data);
}

std::string contents(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "<missing>";
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return out;
}

std::set<std::string> names(const std::string& dir) {
  std::set<std::string> out;
  for (const auto& e : fsys::directory_iterator(dir)) out.insert(e.path().filename().string());
  out.erase(".trash");
  return out;
}

// A file with `data`, its contents and its name both durable.
void durable_file(diskfs::UndoLog& log, const std::string& rel, const std::string& data) {
  int fd = create(log, rel);
  write_at(log, fd, 0, data);
  log.file_synced(fd);
  ::close(fd);
  auto slash = rel.find_last_of('/');
  log.directory_synced(slash == std::string::npos ? "" : rel.substr(0, slash));
}

}  // namespace

TEST_CASE("a loss undoes the writes made since the file's last fsync and keeps the ones before it") {
  Backing b;
  diskfs::UndoLog log(b.root, b.trash);
  durable_file(log, "wal", "one\n");
  int fd = open_rw(log, "wal");
  append(log, fd, "two\n");
  log.file_synced(fd);
  append(log, fd, "three\n");
  write_at(log, fd, 0, "ONE");  // an overwrite inside the durable part
  CHECK(contents(b.at("wal")) == "ONE\ntwo\nthree\n");
  CHECK(log.pending_writes() == 2);
  auto report = log.lose();
  CHECK(report.writes_undone == 2);
  CHECK(report.problems.empty());
  CHECK(contents(b.at("wal")) == "one\ntwo\n");
  CHECK(log.pending_writes() == 0);
  ::close(fd);
}

TEST_CASE("a truncate not yet synced comes back with the tail it cut, and a synced one stays") {
  Backing b;
  diskfs::UndoLog log(b.root, b.trash);
  durable_file(log, "data", "0123456789");
  int fd = open_rw(log, "data");
  log.before_truncate(fd, 4);
  REQUIRE(::ftruncate(fd, 4) == 0);
  log.before_truncate(fd, 20);  // growing makes a hole, undone as well
  REQUIRE(::ftruncate(fd, 20) == 0);
  log.lose();
  CHECK(contents(b.at("data")) == "0123456789");
  log.before_truncate(fd, 3);
  REQUIRE(::ftruncate(fd, 3) == 0);
  log.file_synced(fd);
  log.lose();
  CHECK(contents(b.at("data")) == "012");
  ::close(fd);
}

TEST_CASE("a file whose directory was never synced vanishes on a loss, even with its contents synced") {
  Backing b;
  diskfs::UndoLog log(b.root, b.trash);
  durable_file(log, "kept", "k");
  int fd = create(log, "fresh");
  write_at(log, fd, 0, "synced contents");
  log.file_synced(fd);
  ::close(fd);
  REQUIRE(::mkdir(b.at("dir").c_str(), 0755) == 0);
  log.created("dir");
  durable_file(log, "dir/inner", "synced in a synced directory whose own name is not");
  auto report = log.lose();
  CHECK(report.problems.empty());
  CHECK(names(b.root) == std::set<std::string>{"kept"});
}

TEST_CASE("an unlink comes back on a loss unless its directory was synced, and then the object is gone") {
  Backing b;
  diskfs::UndoLog log(b.root, b.trash);
  durable_file(log, "a", "A");
  durable_file(log, "b", "B");
  CHECK(log.remove("a", false) == 0);
  CHECK(log.remove("b", false) == 0);
  CHECK(log.remove("b", false) == ENOENT);
  CHECK(log.remove("a", true) == ENOENT);
  CHECK(names(b.root).empty());
  log.lose();
  CHECK(contents(b.at("a")) == "A");
  CHECK(contents(b.at("b")) == "B");
  CHECK(log.remove("b", false) == 0);
  log.directory_synced("");
  log.lose();
  CHECK(names(b.root) == std::set<std::string>{"a"});
  CHECK(fsys::is_empty(b.trash));
}

TEST_CASE("rmdir refuses a directory that is not empty, and an undone rmdir brings the directory back") {
  Backing b;
  diskfs::UndoLog log(b.root, b.trash);
  REQUIRE(::mkdir(b.at("d").c_str(), 0755) == 0);
  log.created("d");
  durable_file(log, "d/f", "f");
  log.directory_synced("");
  CHECK(log.remove("d", true) == ENOTEMPTY);
  CHECK(log.remove("d", false) == EISDIR);
  CHECK(log.remove("d/f", false) == 0);
  CHECK(log.remove("d", true) == 0);
  log.lose();
  CHECK(contents(b.at("d/f")) == "f");
}

TEST_CASE("the write-then-rename idiom without a directory fsync loses the new name and keeps the old file") {
  Backing b;
  diskfs::UndoLog log(b.root, b.trash);
  durable_file(log, "state", "old state");
  int fd = create(log, "state.tmp");
  write_at(log, fd, 0, "new state");
  log.file_synced(fd);
  ::close(fd);
  REQUIRE(log.rename("state.tmp", "state") == 0);
  CHECK(contents(b.at("state")) == "new state");
  auto report = log.lose();
  CHECK(report.entries_undone == 2);
  CHECK(report.problems.empty());
  CHECK(names(b.root) == std::set<std::string>{"state"});
  CHECK(contents(b.at("state")) == "old state");
}

TEST_CASE("a rename made durable by its directory's fsync survives, with the create it builds on") {
  Backing b;
  diskfs::UndoLog log(b.root, b.trash);
  REQUIRE(::mkdir(b.at("a").c_str(), 0755) == 0);
  log.created("a");
  REQUIRE(::mkdir(b.at("b").c_str(), 0755) == 0);
  log.created("b");
  log.directory_synced("");
  int fd = create(log, "a/x");
  write_at(log, fd, 0, "x");
  log.file_synced(fd);
  ::close(fd);
  REQUIRE(log.rename("a/x", "b/y") == 0);
  log.directory_synced("b");
  CHECK(log.pending_entries() == 0);
  log.lose();
  CHECK(names(b.at("a")).empty());
  CHECK(contents(b.at("b/y")) == "x");
}

TEST_CASE("undo finds a file's writes and a directory's entries after their ancestors were renamed") {
  Backing b;
  diskfs::UndoLog log(b.root, b.trash);
  REQUIRE(::mkdir(b.at("old").c_str(), 0755) == 0);
  log.created("old");
  durable_file(log, "old/f", "durable");
  log.directory_synced("");
  int fd = open_rw(log, "old/f");
  append(log, fd, " and not");
  int g = create(log, "old/g");
  ::close(g);
  REQUIRE(log.rename("old", "new") == 0);
  log.directory_synced("");  // the directory's new name is durable, g's entry is not
  auto report = log.lose();
  CHECK(report.problems.empty());
  CHECK(names(b.root) == std::set<std::string>{"new"});
  CHECK(names(b.at("new")) == std::set<std::string>{"f"});
  CHECK(contents(b.at("new/f")) == "durable");
  ::close(fd);
}

TEST_CASE("a torn loss keeps a sector-aligned prefix of the newest write and nothing of the others") {
  Backing b;
  diskfs::UndoLog log(b.root, b.trash);
  durable_file(log, "log", std::string(100, 'a'));
  int fd = open_rw(log, "log");
  append(log, fd, std::string(1000, 'b'));
  append(log, fd, std::string(3000, 'c'));
  auto report = log.lose(std::size_t{2000});
  // The write began at 1100: the sector boundary at or below 1100+2000 is 3072.
  CHECK(report.torn_bytes_kept == 3072 - 1100);
  std::string want = std::string(100, 'a') + std::string(1000, '\0') + std::string(3072 - 1100, 'c');
  CHECK(contents(b.at("log")) == want);
  ::close(fd);
}

TEST_CASE("a torn loss never keeps a whole write, and keeps nothing of a write shorter than a sector") {
  Backing b;
  diskfs::UndoLog log(b.root, b.trash);
  durable_file(log, "f", "");
  int fd = open_rw(log, "f");
  append(log, fd, std::string(1024, 'x'));
  CHECK(log.lose(std::size_t{5000}).torn_bytes_kept == 512);
  CHECK(contents(b.at("f")) == std::string(512, 'x'));
  log.file_synced(fd);
  append(log, fd, std::string(100, 'y'));
  CHECK(log.lose(std::size_t{100}).torn_bytes_kept == 0);
  CHECK(contents(b.at("f")) == std::string(512, 'x'));
  ::close(fd);
}

TEST_CASE("corrupt flips every byte of its range, truncate cuts, rollback restores a snapshot, and all count as durable") {
  Backing b;
  diskfs::UndoLog log(b.root, b.trash);
  diskfs::DiskFaults faults(log, b.root + "/.snapshots");
  durable_file(log, "db", "abcdefghij");
  CHECK(faults.run("snapshot db") == "kept a copy of db");
  faults.run("corrupt /db 2 3 7");
  std::string now = contents(b.at("db"));
  REQUIRE(now.size() == 10);
  CHECK(now.substr(0, 2) == "ab");
  CHECK(now.substr(5) == "fghij");
  for (int i = 2; i < 5; ++i) CHECK(now[i] != "abcdefghij"[i]);
  faults.run("truncate db 4");
  CHECK(contents(b.at("db")).size() == 4);
  faults.run("rollback db");
  CHECK(contents(b.at("db")) == "abcdefghij");
  int fd = open_rw(log, "db");
  append(log, fd, "unsynced");
  faults.run("corrupt db 0 1");
  CHECK(log.pending_writes() == 0);  // the disk now holds it: a loss keeps it
  ::close(fd);
}

TEST_CASE("the control commands refuse what they cannot do in one sentence") {
  Backing b;
  diskfs::UndoLog log(b.root, b.trash);
  diskfs::DiskFaults faults(log, b.root + "/.snapshots");
  durable_file(log, "f", "abc");
  CHECK_THROWS_AS(faults.run("explode"), diskfs::CommandError);
  CHECK_THROWS_AS(faults.run("corrupt f 10 1"), diskfs::CommandError);
  CHECK_THROWS_AS(faults.run("corrupt f -1 1"), diskfs::CommandError);
  CHECK_THROWS_AS(faults.run("truncate f 99"), diskfs::CommandError);
  CHECK_THROWS_AS(faults.run("truncate ../etc/passwd 0"), diskfs::CommandError);
  CHECK_THROWS_AS(faults.run("rollback f"), diskfs::CommandError);
  CHECK_THROWS_AS(faults.run("snapshot missing"), diskfs::CommandError);
  CHECK(faults.run("status") == "0 writes and 0 directory entries wait for an fsync");
  CHECK(faults.run("lose torn 512") == "lost 0 writes and 0 directory entries, kept 0 bytes of the newest write");
}

TEST_CASE("sync makes every write and every entry durable at once, and unlinked objects go for good") {
  Backing b;
  diskfs::UndoLog log(b.root, b.trash);
  diskfs::DiskFaults faults(log, b.root + "/.snapshots");
  durable_file(log, "gone", "g");
  REQUIRE(::mkdir(b.at("d").c_str(), 0755) == 0);
  log.created("d");
  int fd = create(log, "d/f");
  write_at(log, fd, 0, "f");
  ::close(fd);
  CHECK(log.remove("gone", false) == 0);
  CHECK(faults.run("sync") == "made 1 writes and 3 directory entries durable");
  log.lose();
  CHECK(names(b.root) == std::set<std::string>{".snapshots", "d"});
  CHECK(contents(b.at("d/f")) == "f");
  CHECK(fsys::is_empty(b.trash));
}
