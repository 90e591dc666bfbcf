#include "disk_faults.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <random>
#include <sstream>
#include <vector>

namespace diskfs {

namespace {

std::vector<std::string> words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

long long number(const std::string& word, const char* what) {
  try {
    std::size_t used = 0;
    long long v = std::stoll(word, &used);
    if (used == word.size() && v >= 0) return v;
  } catch (const std::exception&) {
  }
  throw CommandError(std::string(what) + " must be a non-negative integer, not \"" + word + "\"");
}

// A path inside the mount, relative, never climbing out of it nor into the
// program's own state.
std::string relative(const std::string& path) {
  std::string p = path;
  while (!p.empty() && p.front() == '/') p.erase(0, 1);
  if (p.empty()) throw CommandError("a file path is needed, not the root");
  std::istringstream parts(p);
  for (std::string part; std::getline(parts, part, '/');) {
    if (part == "..") throw CommandError("the path " + path + " leaves the mount");
  }
  if (p.rfind(".fl-diskfs", 0) == 0) throw CommandError("the path " + path + " is fl-diskfs's own");
  return p;
}

std::string errno_sentence(const std::string& what) { return what + ": " + std::strerror(errno); }

bool copy_file(int from, int to) {
  if (::ftruncate(to, 0) != 0) return false;
  char buf[1 << 16];
  off_t at = 0;
  for (;;) {
    ssize_t n = ::pread(from, buf, sizeof buf, at);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) return true;
    for (ssize_t done = 0; done < n;) {
      ssize_t w = ::pwrite(to, buf + done, static_cast<std::size_t>(n - done), at + done);
      if (w <= 0) return false;
      done += w;
    }
    at += n;
  }
}

}  // namespace

DiskFaults::DiskFaults(UndoLog& log, std::string snapshots) : log_(log), snapshots_(std::move(snapshots)) {
  if (::mkdir(snapshots_.c_str(), 0700) != 0 && errno != EEXIST)
    throw std::runtime_error(errno_sentence("cannot create the snapshot directory " + snapshots_));
}

std::string DiskFaults::run(const std::string& line) {
  auto w = words(line);
  if (w.empty()) throw CommandError("an empty command");
  const std::string& cmd = w[0];
  if (cmd == "lose" && (w.size() == 1 || (w.size() == 3 && w[1] == "torn"))) {
    std::optional<std::size_t> keep;
    if (w.size() == 3) keep = static_cast<std::size_t>(number(w[2], "KEEP"));
    LossReport r = log_.lose(keep);
    std::string out = "lost " + std::to_string(r.writes_undone) + " writes and " + std::to_string(r.entries_undone) +
                      " directory entries";
    if (keep) out += ", kept " + std::to_string(r.torn_bytes_kept) + " bytes of the newest write";
    for (const auto& p : r.problems) out += "; " + p;
    return out;
  }
  if (cmd == "corrupt" && (w.size() == 4 || w.size() == 5))
    return corrupt(relative(w[1]), number(w[2], "OFFSET"), number(w[3], "LENGTH"),
                   w.size() == 5 ? static_cast<unsigned>(number(w[4], "SEED")) : 1u);
  if (cmd == "truncate" && w.size() == 3) return truncate(relative(w[1]), number(w[2], "LENGTH"));
  if (cmd == "snapshot" && w.size() == 2) return snapshot(relative(w[1]));
  if (cmd == "rollback" && w.size() == 2) return rollback(relative(w[1]));
  if (cmd == "sync" && w.size() == 1) {
    std::size_t writes = log_.pending_writes(), entries = log_.pending_entries();
    log_.sync_all();
    return "made " + std::to_string(writes) + " writes and " + std::to_string(entries) + " directory entries durable";
  }
  if (cmd == "status" && w.size() == 1)
    return std::to_string(log_.pending_writes()) + " writes and " + std::to_string(log_.pending_entries()) +
           " directory entries wait for an fsync";
  throw CommandError("unknown command \"" + line +
                     "\": expected lose [torn KEEP], corrupt PATH OFFSET LENGTH [SEED], truncate PATH LENGTH, "
                     "snapshot PATH, rollback PATH, sync or status");
}

std::string DiskFaults::corrupt(const std::string& path, off_t offset, off_t length, unsigned seed) {
  int fd = ::openat(log_.root_fd(), path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) throw CommandError(errno_sentence("cannot open " + path));
  struct stat st {};
  ::fstat(fd, &st);
  if (offset >= st.st_size) {
    ::close(fd);
    throw CommandError(path + " has " + std::to_string(st.st_size) + " bytes, none at offset " + std::to_string(offset));
  }
  length = std::min(length, st.st_size - offset);
  std::string data(static_cast<std::size_t>(length), '\0');
  ssize_t n = ::pread(fd, data.data(), data.size(), offset);
  if (n != static_cast<ssize_t>(data.size())) {
    ::close(fd);
    throw CommandError(errno_sentence("cannot read " + path));
  }
  // Every byte of the range changes: one to eight of its bits flip.
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> mask(1, 255);
  for (char& c : data) c = static_cast<char>(static_cast<unsigned char>(c) ^ mask(rng));
  n = ::pwrite(fd, data.data(), data.size(), offset);
  ::close(fd);
  if (n != static_cast<ssize_t>(data.size())) throw CommandError(errno_sentence("cannot write " + path));
  log_.declare_durable(path);
  return "corrupted " + std::to_string(length) + " bytes of " + path + " at " + std::to_string(offset);
}

std::string DiskFaults::truncate(const std::string& path, off_t length) {
  int fd = ::openat(log_.root_fd(), path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) throw CommandError(errno_sentence("cannot open " + path));
  struct stat st {};
  ::fstat(fd, &st);
  if (length > st.st_size) {
    ::close(fd);
    throw CommandError(path + " has only " + std::to_string(st.st_size) + " bytes");
  }
  int rc = ::ftruncate(fd, length);
  ::close(fd);
  if (rc != 0) throw CommandError(errno_sentence("cannot truncate " + path));
  log_.declare_durable(path);
  return "cut " + path + " from " + std::to_string(st.st_size) + " to " + std::to_string(length) + " bytes";
}

std::string DiskFaults::snapshot_name(const std::string& path) const {
  std::string name;
  for (char c : path) name += c == '/' ? std::string("%2F") : c == '%' ? std::string("%25") : std::string(1, c);
  return snapshots_ + "/" + name;
}

std::string DiskFaults::snapshot(const std::string& path) {
  int from = ::openat(log_.root_fd(), path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (from < 0) throw CommandError(errno_sentence("cannot open " + path));
  int to = ::open(snapshot_name(path).c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  bool ok = to >= 0 && copy_file(from, to);
  ::close(from);
  if (to >= 0) ::close(to);
  if (!ok) throw CommandError(errno_sentence("cannot copy " + path));
  return "kept a copy of " + path;
}

std::string DiskFaults::rollback(const std::string& path) {
  int from = ::open(snapshot_name(path).c_str(), O_RDONLY | O_CLOEXEC);
  if (from < 0) throw CommandError("no snapshot of " + path + " was taken");
  int to = ::openat(log_.root_fd(), path.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (to < 0) {
    ::close(from);
    throw CommandError(errno_sentence("cannot open " + path));
  }
  bool ok = copy_file(from, to);
  ::close(from);
  ::close(to);
  if (!ok) throw CommandError(errno_sentence("cannot roll back " + path));
  log_.declare_durable(path);
  return "rolled " + path + " back to its snapshot";
}

}  // namespace diskfs
