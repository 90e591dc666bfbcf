// EtcdDb: Debian's etcd-server (/usr/bin/etcd) on each host, one member per
// node, listening on the node's address (client 2379, peer 2380) with a
// proper --initial-cluster. setup() starts every member and waits, bounded,
// until each answers /health; teardown() stops them and wipes their data
// directories but keeps the log files, so the runner can copy them into the
// store. Every command goes through Host::run / Host::spawn.
// Thread-safety: per-host calls may run concurrently.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "cluster/db.h"
#include "systems/daemon_table.h"

namespace fl {

struct EtcdOptions {
  std::string binary = "/usr/bin/etcd";
  std::string data_root = "/tmp/faultline-etcd";  // <root>/<node>/ data, <root>/<node>.log log
  int client_port = 2379;
  int peer_port = 2380;
  double healthy_within_s = 30;                   // setup gives up after this
};

class EtcdDb : public Db {
 public:
  explicit EtcdDb(EtcdOptions opts) : opts_(std::move(opts)) {}
  std::string name() const override { return "etcd"; }
  void setup(const std::vector<Host*>& hosts) override;
  void teardown(const std::vector<Host*>& hosts) noexcept override;
  void start(Host& host) override;
  void kill(Host& host) override;
  void pause(Host& host) override;
  void resume(Host& host) override;
  std::vector<int> pids(Host& host) override;
  std::vector<std::string> log_files(Host& host) override;
  // The member's --data-dir (WAL and snapshots): mounted through the
  // DataMount when one is set, so disk faults act on the WAL.
  std::string data_mount_dir(const Host& host) const override { return data_dir(host); }
  std::string unavailable() const override;

  std::string client_url(const Host& host) const;

 private:
  std::string data_dir(const Host& host) const;
  std::string log_path(const Host& host) const;
  Argv argv_for(const Host& host) const;
  EtcdOptions opts_;
  std::mutex mu_;
  std::string initial_cluster_;            // fixed at setup
  std::string token_;
  DaemonTable daemons_;
};

}  // namespace fl
