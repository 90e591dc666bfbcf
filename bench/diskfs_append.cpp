// What fl-diskfs costs a database: small appends (100 bytes), each followed
// by an fsync or not, straight to the disk and through fl-diskfs mounted over
// a directory of the same disk, in one run: ROUNDS rounds alternating the two,
// so a busy machine weighs on both alike. Prints the median appends per
// second and their ratio; no assertion. Needs /dev/fuse and fusermount3.
//   bench_diskfs_append [APPENDS_WITHOUT_FSYNC [APPENDS_WITH_FSYNC [ROUNDS [DIR]]]]
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "cluster/process.h"

using namespace fl;

namespace {

// Appends per second over `n` appends of 100 bytes to a new file in `dir`.
double appends_per_second(const std::string& dir, int n, bool fsync_each) {
  std::string path = dir + "/log";
  ::unlink(path.c_str());
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    std::perror(path.c_str());
    std::exit(70);
  }
  std::string record(99, 'r');
  record += '\n';
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    if (::write(fd, record.data(), record.size()) != static_cast<ssize_t>(record.size()) ||
        (fsync_each && ::fsync(fd) != 0)) {
      std::perror("append");
      std::exit(70);
    }
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ::close(fd);
  ::unlink(path.c_str());
  return n / seconds;
}

}  // namespace

int main(int argc, char** argv) {
  int plain = argc > 1 ? std::atoi(argv[1]) : 20000;
  int synced = argc > 2 ? std::atoi(argv[2]) : 1000;
  int rounds = argc > 3 ? std::max(1, std::atoi(argv[3])) : 5;
  std::string base = argc > 4 ? argv[4] : "/tmp";
  int fuse = ::open("/dev/fuse", O_RDWR | O_CLOEXEC);
  if (fuse < 0 || find_program("fusermount3").empty()) {
    std::printf("bench_diskfs_append: needs /dev/fuse and fusermount3 (Debian's fuse3); skipped\n");
    return 0;
  }
  ::close(fuse);
  std::string tmpl = base + "/fl-diskfs-bench-XXXXXX";
  std::string dir = ::mkdtemp(tmpl.data());
  std::string direct = dir + "/direct", backing = dir + "/backing", mount = dir + "/mnt";
  for (const auto& d : {direct, backing, mount}) std::filesystem::create_directories(d);
  auto up = run_process({FL_DISKFS_BINARY, backing, mount});
  if (!up.ok()) {
    std::fprintf(stderr, "bench_diskfs_append: fl-diskfs did not mount: %s", up.err.c_str());
    std::filesystem::remove_all(dir);
    return 70;
  }

  std::printf("%-34s %12s %12s %8s\n", "100-byte appends", "disk /s", "fl-diskfs /s", "ratio");
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  for (bool each : {false, true}) {
    int n = each ? synced : plain;
    std::vector<double> d, f;
    for (int r = 0; r < rounds; ++r) {
      d.push_back(appends_per_second(direct, n, each));
      f.push_back(appends_per_second(mount, n, each));
    }
    std::printf("%-34s %12.0f %12.0f %7.1f%%\n", each ? "each followed by fsync" : "without fsync", median(d),
                median(f), 100.0 * median(f) / median(d));
  }
  std::printf("(medians of %d rounds; %d appends without fsync, %d with, per round, on %s)\n", rounds, plain, synced,
              base.c_str());

  run_process({"fusermount3", "-u", "-z", mount});
  std::filesystem::remove_all(dir);
  return 0;
}
