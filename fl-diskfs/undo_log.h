// UndoLog: what a power loss would take back from a directory tree, kept the
// way a journal would undo it. Every change reaches the backing files at once
// (so reads need no merging); before it does, the log records how to take it
// back: a write's pre-image and the file's size before, a truncate's cut tail,
// a new name to remove, an unlinked object kept aside in a trash directory.
// fsync/fdatasync of a file makes its contents and size durable (its records
// are dropped); fsync of a directory makes the names created, renamed and
// unlinked in it durable. lose() applies every record still held, newest
// first, so what is left is exactly what was durable. Objects are held by
// open descriptors (files) and directory descriptors plus names (entries), so
// renames of a file or of an ancestor directory never misdirect an undo.
// Not thread-safe: the caller serialises every call.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace diskfs {

// One object of the backing filesystem, by device and inode number.
struct ObjectId {
  dev_t dev = 0;
  ino_t ino = 0;
  bool operator<(const ObjectId& o) const { return std::pair(dev, ino) < std::pair(o.dev, o.ino); }
  bool operator==(const ObjectId& o) const { return dev == o.dev && ino == o.ino; }
};

// What lose() did, for the control channel's answer and the tests.
struct LossReport {
  std::size_t writes_undone = 0;     // data records (writes, truncates) taken back
  std::size_t entries_undone = 0;    // directory records (creates, unlinks, renames)
  std::size_t torn_bytes_kept = 0;   // bytes of the last write kept by a torn loss
  std::vector<std::string> problems; // an undo the backing refused (never expected)
};

class UndoLog {
 public:
  // `root` is the backing directory; `trash` a directory on the same
  // filesystem where unlinked and replaced objects wait until their unlink is
  // durable (created if missing, emptied now). Throws std::runtime_error.
  UndoLog(const std::string& root, const std::string& trash);
  ~UndoLog();
  UndoLog(const UndoLog&) = delete;
  UndoLog& operator=(const UndoLog&) = delete;

  int root_fd() const { return root_fd_; }

  // --- file contents: call before the change reaches `fd` (a backing file) ---
  void before_write(int fd, off_t offset, std::size_t length);
  void before_truncate(int fd, off_t new_size);
  // fsync / fdatasync of the file open as `fd`: its contents and size are durable.
  void file_synced(int fd);

  // --- directory entries: `path`s are relative to the backing root ---
  // `path` was just created (file, directory, symlink, node, hard link).
  void created(const std::string& path);
  // unlink(2) (`directory` false) or rmdir(2) of `path`, keeping the object
  // aside in the trash. Returns 0 or the errno the call would have set.
  int remove(const std::string& path, bool directory);
  // Renames `from` to `to` (replacing `to` if it exists, as rename(2) does),
  // keeping a replaced object aside. Returns 0 or an errno.
  int rename(const std::string& from, const std::string& to);
  // fsync of the directory `path` ("" or "." is the root), or of the
  // directory open as `dir_fd`: its entries are durable.
  void directory_synced(const std::string& path);
  void directory_synced(int dir_fd);

  // Power loss: undo everything not durable, newest first. With
  // `torn_keep`, the newest write still undone keeps that many bytes of its
  // data (rounded down to a 512-byte sector, less than the whole write) —
  // the part of a write in flight that reached the disk.
  LossReport lose(std::optional<std::size_t> torn_keep = std::nullopt);

  // sync(1): everything written so far is durable, files and entries alike
  // (FUSE never hears of sync(2) or syncfs(2), so the control file says it).
  void sync_all();

  // A disk fault changed the file at `path` behind the log (corrupt,
  // truncate, rollback): what it holds now counts as on disk.
  void declare_durable(const std::string& path);

  // How many records wait for an fsync (the tests' and the status line's view).
  std::size_t pending_writes() const;
  std::size_t pending_entries() const { return entries_.size(); }

 private:
  struct DataRecord {
    off_t offset = 0;
    off_t size_before = 0;
    std::string before;    // the bytes [offset, offset+before.size()) held before
    std::size_t length = 0; // how many bytes the write wrote (0 for a truncate)
    bool is_write = false;
    std::uint64_t seq = 0;
  };
  struct FileRecords {
    int fd = -1;  // our own descriptor on the object, so undo survives renames
    std::vector<DataRecord> records;
  };
  enum class EntryKind { Created, Removed, Renamed };
  struct EntryRecord {
    EntryKind kind = EntryKind::Created;
    int dir_fd = -1;          // the directory of `name` (Created, Removed) or of `to`
    std::string name;
    int from_dir_fd = -1;     // Renamed: the directory the object came from
    std::string from_name;
    ObjectId object;          // what the entry names
    ObjectId dir, from_dir;   // the directories, for directory_synced
    std::string trashed;      // Removed: the object's name in the trash; Renamed: the replaced one's
    ObjectId trashed_object;
    std::uint64_t seq = 0;
  };

  FileRecords& records_for(int fd);
  int open_parent(const std::string& path, std::string* name, ObjectId* dir) const;
  std::string new_trash_name();
  void drop_entry(EntryRecord& e, bool durable);
  void drop_file(const ObjectId& id);
  void undo_entry(const EntryRecord& e, LossReport* report);

  int root_fd_ = -1;
  int trash_fd_ = -1;
  std::string trash_path_;
  std::uint64_t next_seq_ = 1;
  std::uint64_t next_trash_ = 1;
  std::map<ObjectId, FileRecords> files_;
  std::vector<EntryRecord> entries_;  // oldest first
};

// The object `fd` refers to.
ObjectId object_of(int fd);

}  // namespace diskfs
