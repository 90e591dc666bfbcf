// DiskFileNemesis: disk-corrupt, disk-truncate and disk-rollback — a node
// crashes and comes back with one of its data files damaged on disk, as
// Jepsen's file-corruption faults do. start() SIGKILLs the daemon of one
// node (or "target" as kill's), waits until it is gone, then has fl-diskfs
// damage its data files — those matching the system's patterns
// (Db::data_files()), one chosen with the run's rng:
//   disk-corrupt   flip bits in a random region of "bytes" bytes (default 64)
//   disk-truncate  cut the file at a random length
//   disk-rollback  put every file back to the copy taken at the previous heal
//                  (stop() copies every node's data files after restarting
//                  the crashed ones, into fl-diskfs's own store; a file
//                  with no copy yet stays as it is, and the value says so)
// The damage is on the disk itself, durable. stop() restarts the daemon on
// it. Journaled as "killed" before it acts; the start's value names each
// node and what fl-diskfs did.
#pragma once

#include <string>
#include <vector>

#include "nemesis/nemesis.h"

namespace fl {

class DiskFileNemesis : public Nemesis {
 public:
  enum class Damage { kCorrupt, kTruncate, kRollback };
  DiskFileNemesis(std::string name, Damage damage, nlohmann::json options);
  std::string name() const override { return name_; }
  NemesisEvent start(NemesisContext& ctx) override;
  NemesisEvent stop(NemesisContext& ctx) override;
  std::string unavailable(const Db* db) const override;
  bool needs_data_mount() const override { return true; }

 private:
  std::string damage(Host& host, Db& db, std::uint64_t seed);
  std::string name_;
  Damage damage_;
  std::string target_;
  long long bytes_ = 64;
  std::vector<Host*> targets_;
  std::string journal_id_;
};

// The files of `host`'s data directory that match `db`'s patterns, relative
// to it, sorted; with `non_empty`, only those that hold a byte (an empty
// file has nothing to flip or cut: a table the workload never wrote).
std::vector<std::string> data_files_on(Host& host, const Db& db, bool non_empty = false);

}  // namespace fl
