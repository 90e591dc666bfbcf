// Db: Jepsen's "db" noun — a system's daemons on the nodes of a cluster, as
// seen by whoever needs to start, crash or freeze them (the runner, and the
// nemesis's process faults). Implemented by each system in systems/.
// Thread-safety: calls for different hosts may run concurrently.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cluster/host.h"

namespace fl {

// DataMount: a filesystem a Db mounts each node's data directory through,
// so disk faults can act on it (fl-diskfs: nemesis/diskfs.h). mount() takes
// an empty directory and leaves it mounted; unmount() leaves the directory
// unmounted and holding what the mount showed. Both go through the Host.
class DataMount {
 public:
  virtual ~DataMount() = default;
  virtual std::string name() const = 0;  // "fl-diskfs"
  virtual void mount(Host& host, const std::string& dir) = 0;  // throws ClusterError
  virtual void unmount(Host& host, const std::string& dir) noexcept = 0;
  // Makes everything written under `dir` so far durable, as a machine's own
  // writeback would have long before any fault: a Db calls it once setup
  // has written what a real deployment would have had on disk for ages.
  virtual void sync(Host& host, const std::string& dir) = 0;  // throws ClusterError
};

class Db {
 public:
  virtual ~Db() = default;
  virtual std::string name() const = 0;
  // Install/prepare data directories and start the daemon on every host, then
  // wait (bounded) until the system is healthy. Throws ClusterError.
  virtual void setup(const std::vector<Host*>& hosts) = 0;
  // Stop every daemon and wipe its data. Must not throw; safe to call twice.
  virtual void teardown(const std::vector<Host*>& hosts) noexcept = 0;

  // Process hooks used by the nemesis (process kill / pause faults).
  virtual void start(Host& host) = 0;   // start (again) after a kill
  virtual void kill(Host& host) = 0;    // SIGKILL the daemon
  virtual void pause(Host& host) = 0;   // SIGSTOP
  virtual void resume(Host& host) = 0;  // SIGCONT
  // Pids of the daemon on host (empty if not running), for journaling pauses.
  virtual std::vector<int> pids(Host& host) = 0;

  // Why this system cannot run on this machine (a missing binary, naming the
  // package to install) — one sentence — or "" if it can. Asked before a
  // run starts anything.
  virtual std::string unavailable() const { return ""; }
  // Whether libfaketime (LD_PRELOAD) can skew this system's clock.
  virtual bool clock_via_libfaketime() const { return false; }
  // Files worth copying into the store (logs), as paths on the host.
  virtual std::vector<std::string> log_files(Host& host) = 0;
  // The nodes that act as primary / leader right now, as far as the system
  // says (Jepsen's db/Primary); empty when it has no such notion or cannot
  // tell. The partition-primaries nemesis cuts these off.
  virtual std::vector<std::string> primaries(const std::vector<Host*>& hosts) { return {}; }

  // What the system's network carried, as far as the system itself counts it
  // (fl-mrouter does), asked once after teardown(): {"nodes": {NAME: {…}}},
  // each node's object holding counts by direction ({"msgs", "bytes"} each:
  // "client-to-node", "node-to-client", "node-to-node-sent",
  // "node-to-node-received"), "complete" (false when some counts may be
  // missing) and, when incomplete, a "reason" sentence. Null: not counted.
  virtual nlohmann::json traffic(const std::vector<Host*>& hosts) { return nullptr; }

  // Disk faults. The directory where the daemon on `host` keeps its durable
  // state, which this Db mounts through a DataMount when one is set — or ""
  // when it mounts none (then it has no disk faults).
  virtual std::string data_mount_dir(const Host& host) const { return ""; }
  // The files of a data directory worth corrupting, truncating or rolling
  // back, as shell-style patterns relative to it: a file name ("*.wal") in
  // the directory itself, or a path below it ("base/5/16384").
  virtual std::vector<std::string> data_files() const { return {"*"}; }
  // Set before setup(): a Db whose data_mount_dir() is not "" then mounts each
  // node's data directory through `mount` after emptying it and before its
  // daemon starts, and unmounts it in teardown() after the daemon stopped.
  void set_data_mount(std::shared_ptr<DataMount> mount) { data_mount_ = std::move(mount); }
  DataMount* data_mount() const { return data_mount_.get(); }

 protected:
  std::shared_ptr<DataMount> data_mount_;
};

}  // namespace fl
