// DiskFaults: the commands fl-diskfs obeys on its control file, one line each.
//   lose                      power loss: undo everything not durable
//   lose torn KEEP            the same, but the newest write keeps its first
//                             KEEP bytes, cut at a 512-byte sector boundary
//   corrupt PATH OFFSET LENGTH [SEED]   flip bits in that range of the file
//   truncate PATH LENGTH      cut the file to LENGTH bytes
//   snapshot PATH             keep a copy of the file as it is now
//   rollback PATH             put the file back to its last snapshot
//   sync                      everything written so far is durable (sync(1),
//                             which FUSE itself never hears of)
//   status                    what waits for an fsync
// PATHs are relative to the mount's root. corrupt, truncate and rollback act
// on the disk itself, so what they leave counts as durable. Every command
// answers one line; a refused one throws CommandError with the reason.
// Not thread-safe: the caller serialises commands with the filesystem's calls.
#pragma once

#include <stdexcept>
#include <string>

#include "undo_log.h"

namespace diskfs {

class CommandError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class DiskFaults {
 public:
  // `snapshots` is a directory outside the filesystem's view, created if missing.
  DiskFaults(UndoLog& log, std::string snapshots);

  // Runs one command line; returns its answer (one line, no newline).
  std::string run(const std::string& line);

 private:
  std::string corrupt(const std::string& path, off_t offset, off_t length, unsigned seed);
  std::string truncate(const std::string& path, off_t length);
  std::string snapshot(const std::string& path);
  std::string rollback(const std::string& path);
  std::string snapshot_name(const std::string& path) const;

  UndoLog& log_;
  std::string snapshots_;
};

}  // namespace diskfs
