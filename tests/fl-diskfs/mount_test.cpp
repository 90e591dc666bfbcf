// fl-diskfs mounted for real: a hand-written sequence of writes, fsyncs,
// renames and unlinks through the kernel, a loss ordered on the control file,
// and exactly what was durable left. Needs /dev/fuse and fusermount3; the
// mount is undone by a guard even when a check fails.
#include <catch2/catch.hpp>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cluster/process.h"
#include "tests/skip.h"

namespace {

namespace fsys = std::filesystem;

std::string why_no_fuse() {
  int fd = ::open("/dev/fuse", O_RDWR | O_CLOEXEC);
  if (fd < 0) return "this test needs /dev/fuse";
  ::close(fd);
  // auto_unmount has fusermount3 watch the daemon, even for root.
  if (fl::find_program("fusermount3").empty()) return "this test needs fusermount3 (Debian's fuse3)";
  return "";
}

bool mounted(const std::string& path) {
  std::ifstream in("/proc/self/mountinfo");
  for (std::string line; std::getline(in, line);)
    if (line.find(" " + path + " ") != std::string::npos) return true;
  return false;
}

// A backing directory and fl-diskfs mounted over it; unmounted and removed
// when it goes out of scope, whatever happened.
struct Mount {
  std::string dir, backing, point;
  bool up = false;
  explicit Mount(const fl::Argv& options = {}) {
    char tmpl[] = "/tmp/fl-diskfs-mount-XXXXXX";
    dir = ::mkdtemp(tmpl);
    backing = dir + "/backing";
    point = dir + "/mnt";
    fsys::create_directories(backing);
    fsys::create_directories(point);
    fl::Argv argv = {FL_DISKFS_BINARY, backing, point};
    argv.insert(argv.end(), options.begin(), options.end());
    auto r = fl::run_process(argv);
    INFO(r.err);
    REQUIRE(r.ok());
    up = true;
    REQUIRE(mounted(point));
  }
  ~Mount() {
    if (up) {
      auto r = fl::run_process({"fusermount3", "-u", "-z", point});
      if (!r.ok()) fl::run_process({"umount", "-l", point});
    }
    std::error_code ec;
    fsys::remove_all(dir, ec);
  }
  std::string at(const std::string& rel) const { return point + "/" + rel; }
  std::string ctl(const std::string& command) const {
    fl::Argv argv = {FL_DISKFS_BINARY, "ctl", point};
    for (std::size_t a = 0, b; a < command.size(); a = b + 1) {
      b = command.find(' ', a);
      if (b == std::string::npos) b = command.size();
      argv.push_back(command.substr(a, b - a));
    }
    auto r = fl::run_process(argv);
    INFO(r.err);
    REQUIRE(r.ok());
    return r.out;
  }
};

int open_file(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
  REQUIRE(fd >= 0);
  return fd;
}

void put(int fd, const std::string& data) { REQUIRE(::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size())); }

void fsync_path(const std::string& path) {
  int fd = open_file(path, O_RDONLY);
  REQUIRE(::fsync(fd) == 0);
  ::close(fd);
}

// A new file with `data`, fsynced, closed (its name not yet durable).
void write_file(const std::string& path, const std::string& data) {
  int fd = open_file(path, O_WRONLY | O_CREAT | O_EXCL);
  put(fd, data);
  REQUIRE(::fsync(fd) == 0);
  ::close(fd);
}

std::string contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "<missing>";
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::set<std::string> names(const std::string& dir) {
  std::set<std::string> out;
  for (const auto& e : fsys::directory_iterator(dir)) out.insert(e.path().filename().string());
  return out;
}

}  // namespace

TEST_CASE("through the mount, a loss leaves exactly what fsync made durable: contents, sizes and names") {
  std::string no = why_no_fuse();
  if (!no.empty()) FL_SKIP(no);
  Mount m;

  // Durable: a directory, a log with one record, a config put in place by
  // write-fsync-rename-fsync(dir), a file to be unlinked later.
  REQUIRE(::mkdir(m.at("db").c_str(), 0755) == 0);
  fsync_path(m.point);
  write_file(m.at("db/log"), "one\n");
  write_file(m.at("db/cfg.tmp"), "cfg v1\n");
  REQUIRE(::rename(m.at("db/cfg.tmp").c_str(), m.at("db/cfg").c_str()) == 0);
  write_file(m.at("db/old"), "old\n");
  fsync_path(m.at("db"));

  // Not durable: an append without fsync, a rename over the config whose
  // directory is never synced, an unlink, a new file with synced contents.
  int log = open_file(m.at("db/log"), O_WRONLY | O_APPEND);
  put(log, "two\n");
  write_file(m.at("db/cfg.tmp"), "cfg v2\n");
  REQUIRE(::rename(m.at("db/cfg.tmp").c_str(), m.at("db/cfg").c_str()) == 0);
  REQUIRE(::unlink(m.at("db/old").c_str()) == 0);
  write_file(m.at("db/new"), "new\n");
  // Durable again: an O_DSYNC append to a file whose name is durable.
  int dsync = open_file(m.at("db/log"), O_WRONLY | O_APPEND | O_DSYNC);
  put(dsync, "three\n");
  ::close(dsync);
  put(log, "four\n");
  ::close(log);

  CHECK(contents(m.at("db/log")) == "one\ntwo\nthree\nfour\n");
  CHECK(names(m.at("db")) == std::set<std::string>{"cfg", "log", "new"});
  CHECK(names(m.point) == std::set<std::string>{"db"});  // the control file and the state stay hidden

  std::string answer = m.ctl("lose");
  CHECK(answer.rfind("lost ", 0) == 0);

  CHECK(names(m.at("db")) == std::set<std::string>{"cfg", "log", "old"});
  // The O_DSYNC write, like fdatasync (the kernel asks FUSE to sync the
  // whole file), made two durable with three; four came after.
  CHECK(contents(m.at("db/log")) == "one\ntwo\nthree\n");
  CHECK(contents(m.at("db/cfg")) == "cfg v1\n");
  CHECK(contents(m.at("db/old")) == "old\n");
  CHECK(contents(m.at("db/new")) == "<missing>");
  CHECK(m.ctl("status") == "0 writes and 0 directory entries wait for an fsync\n");
}

TEST_CASE("with --writeback-ms, what was written a writeback ago survives a loss without any fsync") {
  std::string no = why_no_fuse();
  if (!no.empty()) FL_SKIP(no);
  Mount m({"--writeback-ms", "100"});
  REQUIRE(::mkdir(m.at("db").c_str(), 0755) == 0);
  write_file(m.at("db/old"), "written back\n");
  // Several writebacks later: nothing waits for an fsync any more.
  for (int i = 0; i < 50 && m.ctl("status") != "0 writes and 0 directory entries wait for an fsync\n"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(m.ctl("status") == "0 writes and 0 directory entries wait for an fsync\n");
  CHECK(m.ctl("lose").rfind("lost ", 0) == 0);
  CHECK(contents(m.at("db/old")) == "written back\n");
  // Without the option nothing is written back: the same write is lost.
  Mount plain;
  REQUIRE(::mkdir(plain.at("db").c_str(), 0755) == 0);
  write_file(plain.at("db/old"), "never synced\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  plain.ctl("lose");
  CHECK(names(plain.point).empty());
}

TEST_CASE("through the mount, a torn loss keeps whole sectors of the newest write, and corrupt changes what is read") {
  std::string no = why_no_fuse();
  if (!no.empty()) FL_SKIP(no);
  Mount m;
  write_file(m.at("f"), std::string(1024, 'a'));
  fsync_path(m.point);
  int fd = open_file(m.at("f"), O_WRONLY);
  REQUIRE(::pwrite(fd, std::string(4096, 'b').data(), 4096, 0) == 4096);
  ::close(fd);
  CHECK(m.ctl("lose torn 1500") == "lost 1 writes and 0 directory entries, kept 1024 bytes of the newest write\n");
  CHECK(contents(m.at("f")) == std::string(1024, 'b'));

  m.ctl("corrupt f 100 10");
  std::string now = contents(m.at("f"));
  CHECK(now.substr(100, 10) != std::string(10, 'b'));
  CHECK(now.substr(0, 100) == std::string(100, 'b'));
  m.ctl("truncate f 10");
  CHECK(contents(m.at("f")) == std::string(10, 'b'));
}

TEST_CASE("fl-diskfs refuses a bad command with exit 65 and a sentence, and its mount goes when it is killed") {
  std::string no = why_no_fuse();
  if (!no.empty()) FL_SKIP(no);
  Mount m;
  auto r = fl::run_process({FL_DISKFS_BINARY, "ctl", m.point, "lose", "sideways"});
  CHECK(r.exit_code == 65);
  CHECK(r.err.find("unknown command") != std::string::npos);
  auto usage = fl::run_process({FL_DISKFS_BINARY});
  CHECK(usage.exit_code == 64);

  // The daemon is a process whose argv names this mount point — every one
  // of them: the launcher that returns once mounted may not have exited yet
  // on a busy machine, and killing only it would leave the daemon serving.
  std::vector<int> daemons;
  for (const auto& e : fsys::directory_iterator("/proc")) {
    std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline = contents(e.path().string() + "/cmdline");
    // By the program run (argv[0]): fusermount3's auto_unmount helper also
    // names the mount point, and "subtype=fl-diskfs", and must live on.
    std::string program = cmdline.substr(0, cmdline.find('\0'));
    bool is_diskfs = program.size() >= 9 && program.compare(program.size() - 9, 9, "fl-diskfs") == 0;
    if (is_diskfs && cmdline.find(m.point + '\0') != std::string::npos && cmdline.find("ctl") == std::string::npos)
      daemons.push_back(std::stoi(name));
  }
  REQUIRE_FALSE(daemons.empty());
  for (int daemon : daemons) fl::signal_process(daemon, SIGKILL);
  bool gone = false;
  for (int i = 0; i < 400 && !gone; ++i) {  // up to 20 s on a busy machine
    gone = !mounted(m.point);
    if (!gone) ::usleep(50 * 1000);
  }
  CHECK(gone);
  if (gone) m.up = false;
}
