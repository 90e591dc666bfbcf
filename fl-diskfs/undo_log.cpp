#include "undo_log.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace diskfs {

namespace {

constexpr off_t kSector = 512;

std::runtime_error sys_error(const std::string& what) {
  return std::runtime_error(what + ": " + std::strerror(errno));
}

// Reads [offset, offset+length) of `fd`, shorter at the end of the file.
std::string read_range(int fd, off_t offset, std::size_t length) {
  std::string out(length, '\0');
  std::size_t got = 0;
  while (got < length) {
    ssize_t n = ::pread(fd, out.data() + got, length - got, offset + static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  out.resize(got);
  return out;
}

bool write_all(int fd, const std::string& data, off_t offset) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::pwrite(fd, data.data() + done, data.size() - done, offset + static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

off_t size_of(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw sys_error("fstat");
  return st.st_size;
}

// Removes `name` in `dir_fd` and, if it is a directory, everything below it.
bool remove_tree(int dir_fd, const std::string& name) {
  if (::unlinkat(dir_fd, name.c_str(), 0) == 0) return true;
  if (errno != EISDIR && errno != EPERM) return errno == ENOENT;
  int fd = ::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return false;
  DIR* d = ::fdopendir(fd);
  if (d == nullptr) {
    ::close(fd);
    return false;
  }
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(n);
  }
  bool ok = true;
  for (const auto& n : names) ok = remove_tree(::dirfd(d), n) && ok;
  ::closedir(d);
  return ::unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR) == 0 && ok;
}

bool directory_is_empty(int dir_fd, const std::string& name) {
  int fd = ::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  DIR* d = ::fdopendir(fd);
  if (d == nullptr) {
    ::close(fd);
    return false;
  }
  bool empty = true;
  while (dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") empty = false;
  }
  ::closedir(d);
  return empty;
}

ObjectId object_at(int dir_fd, const std::string& name) {
  struct stat st {};
  if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return {};
  return {st.st_dev, st.st_ino};
}

}  // namespace

ObjectId object_of(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw sys_error("fstat");
  return {st.st_dev, st.st_ino};
}

UndoLog::UndoLog(const std::string& root, const std::string& trash) : trash_path_(trash) {
  root_fd_ = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root_fd_ < 0) throw sys_error("cannot open the backing directory " + root);
  // A trash left by an earlier run held only objects whose unlink was
  // pending when that run ended; nothing can undo them now.
  int parent = ::open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  remove_tree(parent, trash);
  ::close(parent);
  if (::mkdir(trash.c_str(), 0700) != 0 && errno != EEXIST) throw sys_error("cannot create the trash " + trash);
  trash_fd_ = ::open(trash.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (trash_fd_ < 0) throw sys_error("cannot open the trash " + trash);
}

UndoLog::~UndoLog() {
  for (auto& [id, f] : files_) ::close(f.fd);
  for (auto& e : entries_) {
    if (e.dir_fd >= 0) ::close(e.dir_fd);
    if (e.from_dir_fd >= 0) ::close(e.from_dir_fd);
  }
  if (trash_fd_ >= 0) ::close(trash_fd_);
  if (root_fd_ >= 0) ::close(root_fd_);
}

UndoLog::FileRecords& UndoLog::records_for(int fd) {
  ObjectId id = object_of(fd);
  auto it = files_.find(id);
  if (it != files_.end()) return it->second;
  // Our own read-write descriptor: the caller's may be write-only or
  // append-only, and it closes when the program does.
  std::string self = "/proc/self/fd/" + std::to_string(fd);
  int own = ::open(self.c_str(), O_RDWR | O_CLOEXEC);
  if (own < 0) throw sys_error("cannot reopen a file to keep its undo records");
  FileRecords& f = files_[id];
  f.fd = own;
  return f;
}

void UndoLog::before_write(int fd, off_t offset, std::size_t length) {
  FileRecords& f = records_for(fd);
  DataRecord r;
  r.offset = offset;
  r.size_before = size_of(f.fd);
  r.length = length;
  r.is_write = true;
  if (offset < r.size_before) {
    std::size_t overlap = static_cast<std::size_t>(std::min<off_t>(r.size_before - offset, static_cast<off_t>(length)));
    r.before = read_range(f.fd, offset, overlap);
  }
  r.seq = next_seq_++;
  f.records.push_back(std::move(r));
}

void UndoLog::before_truncate(int fd, off_t new_size) {
  FileRecords& f = records_for(fd);
  DataRecord r;
  r.offset = new_size;
  r.size_before = size_of(f.fd);
  if (new_size < r.size_before) r.before = read_range(f.fd, new_size, static_cast<std::size_t>(r.size_before - new_size));
  r.seq = next_seq_++;
  f.records.push_back(std::move(r));
}

void UndoLog::file_synced(int fd) { drop_file(object_of(fd)); }

void UndoLog::drop_file(const ObjectId& id) {
  auto it = files_.find(id);
  if (it == files_.end()) return;
  ::close(it->second.fd);
  files_.erase(it);
}

void UndoLog::declare_durable(const std::string& path) {
  int fd = ::openat(root_fd_, path.c_str(), O_PATH | O_CLOEXEC);
  if (fd < 0) return;
  drop_file(object_of(fd));
  ::close(fd);
}

std::size_t UndoLog::pending_writes() const {
  std::size_t n = 0;
  for (const auto& [id, f] : files_) n += f.records.size();
  return n;
}

int UndoLog::open_parent(const std::string& path, std::string* name, ObjectId* dir) const {
  auto slash = path.find_last_of('/');
  std::string parent = slash == std::string::npos ? "." : path.substr(0, slash);
  *name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (parent.empty()) parent = ".";
  int fd = ::openat(root_fd_, parent.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return -1;
  *dir = object_of(fd);
  return fd;
}

std::string UndoLog::new_trash_name() { return std::to_string(next_trash_++); }

void UndoLog::created(const std::string& path) {
  EntryRecord e;
  e.kind = EntryKind::Created;
  e.dir_fd = open_parent(path, &e.name, &e.dir);
  if (e.dir_fd < 0) return;
  e.object = object_at(e.dir_fd, e.name);
  e.seq = next_seq_++;
  entries_.push_back(std::move(e));
}

int UndoLog::remove(const std::string& path, bool directory) {
  EntryRecord e;
  e.kind = EntryKind::Removed;
  e.dir_fd = open_parent(path, &e.name, &e.dir);
  if (e.dir_fd < 0) return errno;
  struct stat st {};
  int err = 0;
  if (::fstatat(e.dir_fd, e.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    err = errno;
  } else if (directory && !S_ISDIR(st.st_mode)) {
    err = ENOTDIR;
  } else if (!directory && S_ISDIR(st.st_mode)) {
    err = EISDIR;
  } else if (directory && !directory_is_empty(e.dir_fd, e.name)) {
    err = ENOTEMPTY;
  }
  if (err == 0) {
    e.object = {st.st_dev, st.st_ino};
    e.trashed = new_trash_name();
    if (::renameat(e.dir_fd, e.name.c_str(), trash_fd_, e.trashed.c_str()) != 0) err = errno;
  }
  if (err != 0) {
    ::close(e.dir_fd);
    return err;
  }
  e.seq = next_seq_++;
  entries_.push_back(std::move(e));
  return 0;
}

int UndoLog::rename(const std::string& from, const std::string& to) {
  EntryRecord e;
  e.kind = EntryKind::Renamed;
  e.from_dir_fd = open_parent(from, &e.from_name, &e.from_dir);
  if (e.from_dir_fd < 0) return errno;
  e.dir_fd = open_parent(to, &e.name, &e.dir);
  if (e.dir_fd < 0) {
    int err = errno;
    ::close(e.from_dir_fd);
    return err;
  }
  auto fail = [&](int err) {
    ::close(e.dir_fd);
    ::close(e.from_dir_fd);
    return err;
  };
  struct stat src {}, dst {};
  if (::fstatat(e.from_dir_fd, e.from_name.c_str(), &src, AT_SYMLINK_NOFOLLOW) != 0) return fail(errno);
  e.object = {src.st_dev, src.st_ino};
  bool replaces = ::fstatat(e.dir_fd, e.name.c_str(), &dst, AT_SYMLINK_NOFOLLOW) == 0;
  if (replaces && e.object == ObjectId{dst.st_dev, dst.st_ino}) return fail(0);  // rename(2): nothing to do
  if (replaces) {
    if (S_ISDIR(src.st_mode) && !S_ISDIR(dst.st_mode)) return fail(ENOTDIR);
    if (!S_ISDIR(src.st_mode) && S_ISDIR(dst.st_mode)) return fail(EISDIR);
    if (S_ISDIR(dst.st_mode) && !directory_is_empty(e.dir_fd, e.name)) return fail(ENOTEMPTY);
  }
  // Try the rename itself first (it checks what we did not, such as moving a
  // directory into itself); then take the replaced object back out of the way.
  std::string aside;
  if (replaces) {
    aside = new_trash_name();
    if (::renameat(e.dir_fd, e.name.c_str(), trash_fd_, aside.c_str()) != 0) return fail(errno);
  }
  if (::renameat(e.from_dir_fd, e.from_name.c_str(), e.dir_fd, e.name.c_str()) != 0) {
    int err = errno;
    if (replaces) ::renameat(trash_fd_, aside.c_str(), e.dir_fd, e.name.c_str());
    return fail(err);
  }
  if (replaces) {
    e.trashed = aside;
    e.trashed_object = {dst.st_dev, dst.st_ino};
  }
  e.seq = next_seq_++;
  entries_.push_back(std::move(e));
  return 0;
}

void UndoLog::directory_synced(const std::string& path) {
  std::string p = path.empty() ? "." : path;
  int fd = ::openat(root_fd_, p.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  directory_synced(fd);
  ::close(fd);
}

void UndoLog::directory_synced(int dir_fd) {
  ObjectId dir = object_of(dir_fd);
  // The entries of this directory are durable, and so is every earlier
  // entry they build on — the same object, or the same name — as a journal
  // commits them in order: a file created in a/ and then renamed into the
  // synced b/ keeps its contents' directory record from being undone alone.
  std::vector<bool> durable(entries_.size(), false);
  for (std::size_t i = 0; i < entries_.size(); ++i)
    durable[i] = entries_[i].dir == dir || (entries_[i].kind == EntryKind::Renamed && entries_[i].from_dir == dir);
  auto touches = [](const EntryRecord& a, const EntryRecord& b) {
    auto names = [](const EntryRecord& e) {
      std::vector<std::pair<ObjectId, std::string>> out{{e.dir, e.name}};
      if (e.kind == EntryKind::Renamed) out.push_back({e.from_dir, e.from_name});
      return out;
    };
    if (a.object == b.object) return true;
    for (const auto& x : names(a))
      for (const auto& y : names(b))
        if (x == y) return true;
    return false;
  };
  for (bool changed = true; changed;) {
    changed = false;
    for (std::size_t i = entries_.size(); i-- > 0;) {
      if (!durable[i]) continue;
      for (std::size_t j = 0; j < i; ++j) {
        if (!durable[j] && touches(entries_[i], entries_[j])) {
          durable[j] = true;
          changed = true;
        }
      }
    }
  }
  std::vector<EntryRecord> kept;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (durable[i]) {
      drop_entry(entries_[i], true);
    } else {
      kept.push_back(std::move(entries_[i]));
    }
  }
  entries_ = std::move(kept);
}

void UndoLog::sync_all() {
  for (auto& e : entries_) drop_entry(e, true);
  entries_.clear();
  for (auto& [id, f] : files_) ::close(f.fd);
  files_.clear();
}

void UndoLog::drop_entry(EntryRecord& e, bool durable) {
  if (durable && !e.trashed.empty()) {
    // The unlink or the replacement is on disk: the object goes for good.
    ObjectId gone = e.kind == EntryKind::Removed ? e.object : e.trashed_object;
    struct stat st {};
    bool last_link = ::fstatat(trash_fd_, e.trashed.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                     (S_ISDIR(st.st_mode) || st.st_nlink <= 1);
    remove_tree(trash_fd_, e.trashed);
    if (last_link) drop_file(gone);
  }
  if (e.dir_fd >= 0) ::close(e.dir_fd);
  if (e.from_dir_fd >= 0) ::close(e.from_dir_fd);
  e.dir_fd = e.from_dir_fd = -1;
}

void UndoLog::undo_entry(const EntryRecord& e, LossReport* report) {
  auto problem = [&](const std::string& what) { report->problems.push_back(what + ": " + std::strerror(errno)); };
  switch (e.kind) {
    case EntryKind::Created:
      if (!(object_at(e.dir_fd, e.name) == e.object)) {
        report->problems.push_back("the created name " + e.name + " no longer names what was created");
      } else if (!remove_tree(e.dir_fd, e.name)) {
        problem("cannot remove the created name " + e.name);
      }
      break;
    case EntryKind::Removed:
      if (::renameat(trash_fd_, e.trashed.c_str(), e.dir_fd, e.name.c_str()) != 0)
        problem("cannot restore the unlinked name " + e.name);
      break;
    case EntryKind::Renamed:
      if (::renameat(e.dir_fd, e.name.c_str(), e.from_dir_fd, e.from_name.c_str()) != 0)
        problem("cannot rename " + e.name + " back to " + e.from_name);
      if (!e.trashed.empty() && ::renameat(trash_fd_, e.trashed.c_str(), e.dir_fd, e.name.c_str()) != 0)
        problem("cannot restore the replaced name " + e.name);
      break;
  }
}

LossReport UndoLog::lose(std::optional<std::size_t> torn_keep) {
  LossReport report;
  // The newest write, whose first sectors a torn loss keeps.
  int torn_fd = -1;
  off_t torn_offset = 0;
  std::string torn_data;
  if (torn_keep) {
    const FileRecords* newest = nullptr;
    const DataRecord* write = nullptr;
    for (const auto& [id, f] : files_)
      for (const auto& r : f.records)
        if (r.is_write && r.length > 0 && (write == nullptr || r.seq > write->seq)) {
          newest = &f;
          write = &r;
        }
    if (write != nullptr) {
      off_t end = (write->offset + static_cast<off_t>(std::min(*torn_keep, write->length - 1))) / kSector * kSector;
      if (end > write->offset) {
        torn_fd = ::dup(newest->fd);
        torn_offset = write->offset;
        torn_data = read_range(newest->fd, write->offset, static_cast<std::size_t>(end - write->offset));
      }
    }
  }

  // Every record, newest first: a file's records by its descriptor, entries
  // by the directory descriptors they hold.
  struct Step {
    std::uint64_t seq;
    int fd;
    const DataRecord* data;
    const EntryRecord* entry;
  };
  std::vector<Step> steps;
  for (const auto& [id, f] : files_)
    for (const auto& r : f.records) steps.push_back({r.seq, f.fd, &r, nullptr});
  for (const auto& e : entries_) steps.push_back({e.seq, -1, nullptr, &e});
  std::sort(steps.begin(), steps.end(), [](const Step& a, const Step& b) { return a.seq > b.seq; });
  for (const auto& s : steps) {
    if (s.data != nullptr) {
      if (::ftruncate(s.fd, s.data->size_before) != 0 || !write_all(s.fd, s.data->before, s.data->offset)) {
        report.problems.push_back(std::string("cannot restore a file's earlier contents: ") + std::strerror(errno));
      }
      ++report.writes_undone;
    } else {
      undo_entry(*s.entry, &report);
      ++report.entries_undone;
    }
  }

  if (torn_fd >= 0) {
    struct stat st {};
    if (::fstat(torn_fd, &st) == 0 && st.st_nlink > 0 && write_all(torn_fd, torn_data, torn_offset))
      report.torn_bytes_kept = torn_data.size();
    ::close(torn_fd);
  }

  for (auto& [id, f] : files_) ::close(f.fd);
  files_.clear();
  // Every pending unlink was undone, so the trash is empty again.
  for (auto& e : entries_) drop_entry(e, false);
  entries_.clear();
  return report;
}

}  // namespace diskfs
