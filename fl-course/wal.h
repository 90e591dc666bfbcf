// Wal: a write-ahead log of JSON records, one per line, in a node's data
// directory. append() queues records and returns at once; wait(upto) returns
// once every record queued up to that ticket is on disk. Concurrent writers
// share one fdatasync (group commit): whoever finds no flush running writes
// and syncs everything queued so far, the others wait for it.
// Durability: Fsync survives a power cut; Write (write() to the page cache,
// no sync) survives a killed process but not a machine crash; None keeps
// nothing (a design's "no-persist" bug). A torn last line (a crash in the
// middle of a write) is dropped on replay. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "protocol.h"

namespace course {

enum class Durability { Fsync, Write, None };

class Wal {
 public:
  // Opens (creating) `path` and calls replay() for each complete record.
  // Throws std::runtime_error with the path if the disk refuses.
  Wal(std::string path, Durability durability, const std::function<void(const Json&)>& replay);
  ~Wal();
  Wal(const Wal&) = delete;
  Wal& operator=(const Wal&) = delete;

  // Queues records under `ticket`; tickets must grow with every call (the
  // caller numbers them under its own lock, so disk order = ticket order).
  void append(const std::vector<Json>& records, std::uint64_t ticket);
  // The same for records already written out: `lines` holds `count` of
  // them, each one line of JSON ending in '\n'.
  void append_lines(const std::string& lines, std::size_t count, std::uint64_t ticket);
  // Returns once everything queued up to `ticket` is durable.
  void wait(std::uint64_t ticket);
  // After replay: everything up to `ticket` is already on disk.
  void loaded_up_to(std::uint64_t ticket);
  // Replaces the whole log by `records` (compaction): a new file, synced,
  // renamed over the old one. Callers must not append concurrently.
  void rewrite(const std::vector<Json>& records);
  void rewrite_lines(const std::string& lines, std::size_t count);
  std::size_t records_on_disk() const { return lines_; }

 private:
  void open_for_append();
  std::string path_;
  Durability durability_;
  int fd_ = -1;
  std::size_t lines_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  std::string queued_;
  std::uint64_t queued_upto_ = 0, durable_upto_ = 0;
  bool flushing_ = false;
};

// fsync of the folder that holds `path`, so that a file created or renamed
// in it survives a power cut (best effort: a folder that cannot be opened is
// left as it is).
void sync_dir_of(const std::string& path);

}  // namespace course
