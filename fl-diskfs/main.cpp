// fl-diskfs: a FUSE filesystem for a node's data directory that loses, on
// command, what a power cut would lose. It passes every call through to a
// backing directory and keeps, in an UndoLog, how to take back what no
// fsync made durable; the control file .fl-diskfs-ctl at the mount's root
// takes DiskFaults commands (lose, corrupt, truncate, snapshot, rollback).
//   fl-diskfs BACKING MOUNTPOINT [--writeback-ms N] [-f] [FUSE options]   mount
//   fl-diskfs ctl MOUNTPOINT COMMAND...   one command, its answer on stdout
// With --writeback-ms, everything pending becomes durable every N ms, as a
// kernel's writeback and journal commits would make it; without, nothing
// does until an fsync (the worst case POSIX allows).
// Unmount with `fusermount3 -u MOUNTPOINT` (or umount); the mount goes away
// by itself if the program dies (auto_unmount).
// What it cannot see, FUSE never passing it on: sync_file_range (its data
// stays volatile until an fsync), sync(2) and syncfs(2) (the control file's
// `sync` stands for them). Directory entries are durable only by an fsync of
// their directory, as POSIX promises — stricter than ext4's journal, which
// commits every earlier name with any fsync. Modes, owners and times are
// durable at once; fallocate and extended attributes are refused
// (EOPNOTSUPP; glibc's posix_fallocate then writes), RENAME_EXCHANGE too.
#define FUSE_USE_VERSION 35

#include <dirent.h>
#include <fcntl.h>
#include <fuse.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "disk_faults.h"
#include "undo_log.h"

namespace {

constexpr const char* kControl = ".fl-diskfs-ctl";
constexpr const char* kState = ".fl-diskfs";  // trash and snapshots, in the backing root

struct Filesystem {
  std::mutex lock;  // every change and every command, so the log sees them in order
  std::unique_ptr<diskfs::UndoLog> log;
  std::unique_ptr<diskfs::DiskFaults> faults;
  long writeback_ms = 0;  // > 0: everything pending becomes durable this often, as a kernel's writeback would
};
Filesystem* fs = nullptr;

// An open file: the backing descriptor and whether every write is synchronous.
struct Handle {
  int fd = -1;
  bool sync = false;
  bool control = false;
  std::string answer;  // control file: the last command's answer
};

Handle* handle(fuse_file_info* fi) { return reinterpret_cast<Handle*>(fi->fh); }

// "/a/b" -> "a/b", "/" -> "."
std::string rel(const char* path) {
  if (path == nullptr || path[0] == '\0' || (path[0] == '/' && path[1] == '\0')) return ".";
  return path[0] == '/' ? std::string(path + 1) : std::string(path);
}

bool is_control(const char* path) { return path != nullptr && rel(path) == kControl; }
// The program's own state is not part of the filesystem's view.
bool is_hidden(const char* path) {
  if (path == nullptr) return false;
  std::string r = rel(path);
  return r == kState || r.rfind(std::string(kState) + "/", 0) == 0;
}

int err() { return -errno; }

// New objects belong to whoever created them, not to this program.
void give_to_caller(const std::string& r) {
  if (::geteuid() != 0) return;
  fuse_context* c = fuse_get_context();
  ::fchownat(fs->log->root_fd(), r.c_str(), c->uid, c->gid, AT_SYMLINK_NOFOLLOW);
}

void* op_init(fuse_conn_info* conn, fuse_config* cfg) {
  // Names and sizes change under the kernel's feet on a loss: cache nothing.
  cfg->entry_timeout = 0;
  cfg->attr_timeout = 0;
  cfg->negative_timeout = 0;
  cfg->use_ino = 1;
  cfg->hard_remove = 1;  // an unlinked open file stays our log's business, not a .fuse_hidden name
  cfg->nullpath_ok = 1;
  cfg->kernel_cache = 0;
  // Truncating opens come as a truncate first, which the log records.
  conn->want &= ~FUSE_CAP_ATOMIC_O_TRUNC;
  // The writeback: started here, in the process that serves the mount. It
  // ends with the process.
  if (fs->writeback_ms > 0)
    std::thread([period = std::chrono::milliseconds(fs->writeback_ms)] {
      for (;;) {
        std::this_thread::sleep_for(period);
        std::lock_guard<std::mutex> g(fs->lock);
        fs->log->sync_all();
      }
    }).detach();
  return nullptr;
}

int op_getattr(const char* path, struct stat* st, fuse_file_info* fi) {
  if (is_control(path) || (fi != nullptr && handle(fi) != nullptr && handle(fi)->control)) {
    std::memset(st, 0, sizeof *st);
    st->st_mode = S_IFREG | 0600;
    st->st_nlink = 1;
    return 0;
  }
  if (is_hidden(path)) return -ENOENT;
  if (fi != nullptr && handle(fi) != nullptr && !handle(fi)->control) return ::fstat(handle(fi)->fd, st) == 0 ? 0 : err();
  return ::fstatat(fs->log->root_fd(), rel(path).c_str(), st, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : err();
}

int op_access(const char* path, int mask) {
  if (is_control(path)) return 0;
  if (is_hidden(path)) return -ENOENT;
  return ::faccessat(fs->log->root_fd(), rel(path).c_str(), mask, 0) == 0 ? 0 : err();
}

int op_readlink(const char* path, char* buf, size_t size) {
  if (is_hidden(path)) return -ENOENT;
  ssize_t n = ::readlinkat(fs->log->root_fd(), rel(path).c_str(), buf, size - 1);
  if (n < 0) return err();
  buf[n] = '\0';
  return 0;
}

// An open directory is a Handle too: readdir and fsyncdir come without a
// path (nullpath_ok), as reads and writes do.
int op_opendir(const char* path, fuse_file_info* fi) {
  if (is_hidden(path)) return -ENOENT;
  int fd = ::openat(fs->log->root_fd(), rel(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return err();
  auto* h = new Handle;
  h->fd = fd;
  fi->fh = reinterpret_cast<uint64_t>(h);
  return 0;
}

int op_releasedir(const char*, fuse_file_info* fi) {
  Handle* h = handle(fi);
  ::close(h->fd);
  delete h;
  return 0;
}

int op_readdir(const char*, void* buf, fuse_fill_dir_t fill, off_t, fuse_file_info* fi, fuse_readdir_flags) {
  // A fresh descriptor: the handle's own stays at its start for the next call.
  int fd = ::openat(handle(fi)->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return err();
  DIR* d = ::fdopendir(fd);
  if (d == nullptr) {
    ::close(fd);
    return err();
  }
  bool root = diskfs::object_of(handle(fi)->fd) == diskfs::object_of(fs->log->root_fd());
  while (dirent* e = ::readdir(d)) {
    if (root && std::strcmp(e->d_name, kState) == 0) continue;
    struct stat st {};
    st.st_ino = e->d_ino;
    st.st_mode = static_cast<mode_t>(DTTOIF(e->d_type));
    if (fill(buf, e->d_name, &st, 0, static_cast<fuse_fill_dir_flags>(0)) != 0) break;
  }
  ::closedir(d);
  return 0;
}

template <typename MakeFn>
int make(const char* path, MakeFn make_fn) {
  if (is_control(path) || is_hidden(path)) return -EEXIST;
  std::string r = rel(path);
  std::lock_guard<std::mutex> g(fs->lock);
  if (make_fn(r) != 0) return err();
  give_to_caller(r);
  fs->log->created(r);
  return 0;
}

int op_mknod(const char* path, mode_t mode, dev_t dev) {
  return make(path, [&](const std::string& r) { return ::mknodat(fs->log->root_fd(), r.c_str(), mode, dev); });
}
int op_mkdir(const char* path, mode_t mode) {
  return make(path, [&](const std::string& r) { return ::mkdirat(fs->log->root_fd(), r.c_str(), mode); });
}
int op_symlink(const char* target, const char* path) {
  return make(path, [&](const std::string& r) { return ::symlinkat(target, fs->log->root_fd(), r.c_str()); });
}
int op_link(const char* from, const char* to) {
  if (is_hidden(from) || is_control(from)) return -ENOENT;
  return make(to, [&](const std::string& r) {
    return ::linkat(fs->log->root_fd(), rel(from).c_str(), fs->log->root_fd(), r.c_str(), 0);
  });
}

int op_unlink(const char* path) {
  if (is_control(path) || is_hidden(path)) return -EPERM;
  std::lock_guard<std::mutex> g(fs->lock);
  return -fs->log->remove(rel(path), false);
}
int op_rmdir(const char* path) {
  if (is_hidden(path)) return -ENOENT;
  std::lock_guard<std::mutex> g(fs->lock);
  return -fs->log->remove(rel(path), true);
}

int op_rename(const char* from, const char* to, unsigned int flags) {
  if (is_control(from) || is_control(to) || is_hidden(from) || is_hidden(to)) return -EPERM;
  if (flags & RENAME_EXCHANGE) return -EINVAL;
  std::lock_guard<std::mutex> g(fs->lock);
  if (flags & RENAME_NOREPLACE) {
    struct stat st {};
    if (::fstatat(fs->log->root_fd(), rel(to).c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) return -EEXIST;
  }
  return -fs->log->rename(rel(from), rel(to));
}

int op_chmod(const char* path, mode_t mode, fuse_file_info* fi) {
  if (is_control(path) || is_hidden(path) || (fi != nullptr && handle(fi)->control)) return -EPERM;
  if (fi != nullptr) return ::fchmod(handle(fi)->fd, mode) == 0 ? 0 : err();
  return ::fchmodat(fs->log->root_fd(), rel(path).c_str(), mode, 0) == 0 ? 0 : err();
}

int op_chown(const char* path, uid_t uid, gid_t gid, fuse_file_info* fi) {
  if (is_control(path) || is_hidden(path) || (fi != nullptr && handle(fi)->control)) return -EPERM;
  if (fi != nullptr) return ::fchown(handle(fi)->fd, uid, gid) == 0 ? 0 : err();
  return ::fchownat(fs->log->root_fd(), rel(path).c_str(), uid, gid, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : err();
}

int op_utimens(const char* path, const struct timespec tv[2], fuse_file_info* fi) {
  if (is_control(path) || (fi != nullptr && handle(fi)->control)) return 0;
  if (is_hidden(path)) return -ENOENT;
  if (fi != nullptr) return ::futimens(handle(fi)->fd, tv) == 0 ? 0 : err();
  return ::utimensat(fs->log->root_fd(), rel(path).c_str(), tv, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : err();
}

int op_truncate(const char* path, off_t size, fuse_file_info* fi) {
  if (is_control(path) || (fi != nullptr && handle(fi)->control)) return 0;
  if (is_hidden(path)) return -ENOENT;
  int fd = fi != nullptr ? handle(fi)->fd : ::openat(fs->log->root_fd(), rel(path).c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return err();
  int rc = 0;
  {
    std::lock_guard<std::mutex> g(fs->lock);
    try {
      fs->log->before_truncate(fd, size);
      if (::ftruncate(fd, size) != 0) rc = err();
    } catch (const std::exception&) {
      rc = -EIO;
    }
  }
  if (fi == nullptr) ::close(fd);
  return rc;
}

// The backing file is opened without the flags the kernel or the log handle:
// appends arrive with their offset, truncation as a truncate, and direct I/O
// would ask alignment of our buffers.
int backing_flags(int flags) { return (flags & ~(O_APPEND | O_TRUNC | O_CREAT | O_EXCL | O_DIRECT)) | O_CLOEXEC; }

int open_handle(int fd, int flags, fuse_file_info* fi) {
  auto* h = new Handle;
  h->fd = fd;
  h->sync = (flags & (O_SYNC | O_DSYNC)) != 0;
  fi->fh = reinterpret_cast<uint64_t>(h);
  return 0;
}

int op_open(const char* path, fuse_file_info* fi) {
  if (is_control(path)) {
    auto* h = new Handle;
    h->control = true;
    fi->fh = reinterpret_cast<uint64_t>(h);
    fi->direct_io = 1;
    return 0;
  }
  if (is_hidden(path)) return -ENOENT;
  int fd = ::openat(fs->log->root_fd(), rel(path).c_str(), backing_flags(fi->flags));
  if (fd < 0) return err();
  if (fi->flags & O_TRUNC) {
    std::lock_guard<std::mutex> g(fs->lock);
    try {
      fs->log->before_truncate(fd, 0);
      ::ftruncate(fd, 0);
    } catch (const std::exception&) {
      ::close(fd);
      return -EIO;
    }
  }
  return open_handle(fd, fi->flags, fi);
}

int op_create(const char* path, mode_t mode, fuse_file_info* fi) {
  if (is_control(path) || is_hidden(path)) return -EEXIST;
  std::string r = rel(path);
  std::lock_guard<std::mutex> g(fs->lock);
  struct stat st {};
  bool existed = ::fstatat(fs->log->root_fd(), r.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
  if (existed && (fi->flags & O_EXCL)) return -EEXIST;
  int fd = ::openat(fs->log->root_fd(), r.c_str(), backing_flags(fi->flags) | O_CREAT, mode);
  if (fd < 0) return err();
  if (!existed) {
    give_to_caller(r);
    fs->log->created(r);
  } else if (fi->flags & O_TRUNC) {
    try {
      fs->log->before_truncate(fd, 0);
      ::ftruncate(fd, 0);
    } catch (const std::exception&) {
      ::close(fd);
      return -EIO;
    }
  }
  return open_handle(fd, fi->flags, fi);
}

int op_read(const char*, char* buf, size_t size, off_t offset, fuse_file_info* fi) {
  Handle* h = handle(fi);
  if (h->control) {
    std::lock_guard<std::mutex> g(fs->lock);
    if (offset >= static_cast<off_t>(h->answer.size())) return 0;
    size_t n = std::min(size, h->answer.size() - static_cast<size_t>(offset));
    std::memcpy(buf, h->answer.data() + offset, n);
    return static_cast<int>(n);
  }
  ssize_t n = ::pread(h->fd, buf, size, offset);
  return n < 0 ? err() : static_cast<int>(n);
}

int control_write(Handle* h, const char* buf, size_t size) {
  std::string line(buf, size);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  std::lock_guard<std::mutex> g(fs->lock);
  try {
    h->answer = fs->faults->run(line) + "\n";
    std::fprintf(stderr, "fl-diskfs: %s: %s", line.c_str(), h->answer.c_str());
    return static_cast<int>(size);
  } catch (const std::exception& e) {
    h->answer = std::string("error: ") + e.what() + "\n";
    std::fprintf(stderr, "fl-diskfs: %s: %s", line.c_str(), h->answer.c_str());
    return -EINVAL;
  }
}

int op_write(const char*, const char* buf, size_t size, off_t offset, fuse_file_info* fi) {
  Handle* h = handle(fi);
  if (h->control) return control_write(h, buf, size);
  std::lock_guard<std::mutex> g(fs->lock);
  try {
    if (!h->sync) fs->log->before_write(h->fd, offset, size);
  } catch (const std::exception&) {
    return -EIO;
  }
  ssize_t n = ::pwrite(h->fd, buf, size, offset);
  if (n < 0) return err();
  if (h->sync) {
    if (::fdatasync(h->fd) != 0) return err();
    fs->log->file_synced(h->fd);
  }
  return static_cast<int>(n);
}

int op_statfs(const char*, struct statvfs* st) { return ::fstatvfs(fs->log->root_fd(), st) == 0 ? 0 : err(); }

int op_flush(const char*, fuse_file_info*) { return 0; }

int op_release(const char*, fuse_file_info* fi) {
  Handle* h = handle(fi);
  if (h->fd >= 0) ::close(h->fd);
  delete h;
  return 0;
}

int op_fsync(const char*, int datasync, fuse_file_info* fi) {
  Handle* h = handle(fi);
  if (h->control) return 0;
  int rc = datasync ? ::fdatasync(h->fd) : ::fsync(h->fd);
  if (rc != 0) return err();
  std::lock_guard<std::mutex> g(fs->lock);
  fs->log->file_synced(h->fd);
  return 0;
}

int op_fsyncdir(const char*, int, fuse_file_info* fi) {
  if (::fsync(handle(fi)->fd) != 0) return err();
  std::lock_guard<std::mutex> g(fs->lock);
  fs->log->directory_synced(handle(fi)->fd);
  return 0;
}

int control_client(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: fl-diskfs ctl MOUNTPOINT COMMAND...\n";
    return 64;
  }
  std::string path = std::string(argv[2]) + "/" + kControl;
  std::string line;
  for (int i = 3; i < argc; ++i) line += (i > 3 ? " " : "") + std::string(argv[i]);
  line += "\n";
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    std::cerr << "fl-diskfs: " << argv[2] << " is not an fl-diskfs mount (" << std::strerror(errno) << ")\n";
    return 64;
  }
  ssize_t w = ::write(fd, line.data(), line.size());
  int write_errno = errno;
  char buf[4096];
  ssize_t n = ::pread(fd, buf, sizeof buf, 0);
  ::close(fd);
  std::string answer = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
  if (w < 0) {
    std::cerr << "fl-diskfs: " << (answer.empty() ? std::string(std::strerror(write_errno)) + "\n" : answer);
    return write_errno == EINVAL ? 65 : 70;
  }
  std::cout << answer;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "ctl") return control_client(argc, argv);
  if (argc < 3 || argv[1][0] == '-') {
    std::cerr << "usage: fl-diskfs BACKING MOUNTPOINT [--writeback-ms N] [-f] [FUSE options]\n"
                 "       fl-diskfs ctl MOUNTPOINT COMMAND...\n";
    return 64;
  }
  char* backing = ::realpath(argv[1], nullptr);
  if (backing == nullptr) {
    std::cerr << "fl-diskfs: the backing directory " << argv[1] << " does not exist\n";
    return 64;
  }
  // Every pending change holds a descriptor; a database may have many.
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0) {
    lim.rlim_cur = lim.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &lim);
  }
  ::umask(0);  // the modes the kernel passes already carry the caller's umask
  Filesystem filesystem;
  std::string state = std::string(backing) + "/" + kState;
  try {
    if (::mkdir(state.c_str(), 0700) != 0 && errno != EEXIST)
      throw std::runtime_error("cannot create " + state + ": " + std::strerror(errno));
    filesystem.log = std::make_unique<diskfs::UndoLog>(backing, state + "/trash");
    filesystem.faults = std::make_unique<diskfs::DiskFaults>(*filesystem.log, state + "/snapshots");
  } catch (const std::exception& e) {
    std::cerr << "fl-diskfs: " << e.what() << "\n";
    return 64;
  }
  std::free(backing);
  fs = &filesystem;

  fuse_operations ops{};
  ops.init = op_init;
  ops.getattr = op_getattr;
  ops.access = op_access;
  ops.readlink = op_readlink;
  ops.opendir = op_opendir;
  ops.releasedir = op_releasedir;
  ops.readdir = op_readdir;
  ops.mknod = op_mknod;
  ops.mkdir = op_mkdir;
  ops.symlink = op_symlink;
  ops.link = op_link;
  ops.unlink = op_unlink;
  ops.rmdir = op_rmdir;
  ops.rename = op_rename;
  ops.chmod = op_chmod;
  ops.chown = op_chown;
  ops.utimens = op_utimens;
  ops.truncate = op_truncate;
  ops.open = op_open;
  ops.create = op_create;
  ops.read = op_read;
  ops.write = op_write;
  ops.statfs = op_statfs;
  ops.flush = op_flush;
  ops.release = op_release;
  ops.fsync = op_fsync;
  ops.fsyncdir = op_fsyncdir;

  // argv for FUSE: the program, the mount point, our options, then the caller's.
  std::vector<std::string> args = {argv[0], argv[2], "-o",
                                   "fsname=fl-diskfs,subtype=fl-diskfs,default_permissions,auto_unmount"};
  if (::geteuid() == 0) args.back() += ",allow_other";
  for (int i = 3; i < argc; ++i) {
    if (std::string(argv[i]) != "--writeback-ms") {
      args.emplace_back(argv[i]);
      continue;
    }
    char* end = nullptr;
    long ms = i + 1 < argc ? std::strtol(argv[i + 1], &end, 10) : -1;
    if (ms <= 0 || end == nullptr || *end != '\0') {
      std::cerr << "fl-diskfs: --writeback-ms takes a positive number of milliseconds\n";
      return 64;
    }
    filesystem.writeback_ms = ms;
    ++i;
  }
  std::vector<char*> fargv;
  for (auto& a : args) fargv.push_back(a.data());
  return fuse_main(static_cast<int>(fargv.size()), fargv.data(), &ops, nullptr);
}
