// Nemesis: one kind of fault. start() applies it (choosing its targets with
// the given rng) and stop() undoes it; both return a description of what was
// done, which the runner records in the history as a process "nemesis" event.
// Every fault is written to the journal *before* it is applied, so
// `faultline heal` can undo it after a crash. Nemeses act only on the hosts
// faultline created (fl- namespaces) and only name their addresses.
#pragma once

#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cluster/db.h"
#include "cluster/host.h"

namespace fl {

struct NemesisContext {
  std::vector<Host*> nodes;   // every node of the cluster
  Db* db = nullptr;           // for process faults (may be null: no process faults)
  std::mt19937_64* rng = nullptr;
};

struct NemesisEvent {
  std::string f;              // e.g. "start-partition", "stop-partition"
  nlohmann::json value;       // what was done: grudge, nodes, offsets, …
};

class Nemesis {
 public:
  virtual ~Nemesis() = default;
  virtual std::string name() const = 0;
  virtual NemesisEvent start(NemesisContext& ctx) = 0;
  virtual NemesisEvent stop(NemesisContext& ctx) = 0;
  // Why this fault cannot act on this machine, or on the system `db` runs
  // (may be null) — one sentence that names the fix — or "" if it can.
  // Asked before a run starts anything, so no run begins with a fault that
  // could only fail later.
  virtual std::string unavailable(const Db* db) const { return ""; }
  // True for a disk fault: it acts on the nodes' data directories through
  // fl-diskfs (nemesis/diskfs.h), so a run that may start it mounts them
  // there (Db::set_data_mount) before its system starts.
  virtual bool needs_data_mount() const { return false; }
  // How often that filesystem makes everything pending durable, as a
  // kernel's writeback would (milliseconds; 0: never, only an fsync does).
  virtual long data_mount_writeback_ms() const { return 0; }
};

struct NemesisInfo {
  std::string name;
  std::string description;
};

// The nemesis registry (nemesis/registry.cpp): one line per nemesis.
std::vector<NemesisInfo> list_nemeses();
// nullptr if `name` is unknown; throws ClusterError for bad options. Names
// joined with "+" make one nemesis of all of them at once (composite.h).
std::unique_ptr<Nemesis> make_nemesis(std::string_view name, const nlohmann::json& options = {});

}  // namespace fl
