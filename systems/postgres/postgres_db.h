// PostgresDb: Debian's PostgreSQL on the nodes. The first host is the
// primary: initdb, then postgres listening on the node's address, with
// trust authentication for the cluster's subnet (a test cluster, never a
// real one). With `replicas` = N, the next N hosts each take a base backup
// of the primary (pg_basebackup -R) and run as asynchronous streaming
// replicas (hot standby, readable). PostgreSQL refuses to run as root, so
// every server program runs as the `postgres` user via setpriv (argv, never
// a shell). Data under <data_root>/<node>/, logs in <data_root>/<node>.log;
// teardown stops every server (with data checksums on, then has
// pg_checksums read every page and appends its verdict to the node's log)
// and removes the data directories.
// Disk faults: with a DataMount set, each serving node's data directory is
// mounted through it (owned by the postgres user, mode 0700, as initdb and
// the server demand) before initdb or the base backup writes into it, and
// made durable whole once every node serves (as a machine's writeback would
// long have). The files worth damaging are the workload tables' heap files
// and their primary-key indexes, whose paths the primary reports once they
// exist.
// Thread-safety: per-host calls may run concurrently (pids behind a mutex).
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "cluster/db.h"
#include "systems/daemon_table.h"

namespace fl {

struct PostgresOptions {
  std::string bin_dir;                          // "" = the newest /usr/lib/postgresql/*/bin
  std::string data_root = "/tmp/faultline-postgres";
  std::string os_user = "postgres";
  int port = 5432;
  int replicas = 0;
  std::string synchronous_commit;  // "" = PostgreSQL's default (on); "off" acknowledges before the WAL is flushed
  bool data_checksums = false;     // initdb --data-checksums: a damaged page is refused when read
  double healthy_within_s = 60;
};

class PostgresDb : public Db {
 public:
  explicit PostgresDb(PostgresOptions opts);
  std::string name() const override { return "postgres"; }
  void setup(const std::vector<Host*>& hosts) override;
  void teardown(const std::vector<Host*>& hosts) noexcept override;
  void start(Host& host) override;
  void kill(Host& host) override;
  void pause(Host& host) override;
  void resume(Host& host) override;
  std::vector<int> pids(Host& host) override;
  std::string unavailable() const override;
  std::vector<std::string> log_files(Host& host) override;
  std::string data_mount_dir(const Host& host) const override { return data_dir(host); }
  std::vector<std::string> data_files() const override;

  // libpq connection string for a node ("" if it runs no server).
  std::string conninfo(const Host& host, double timeout_s) const;
  std::string primary_conninfo(double timeout_s) const;
  bool is_replica(const Host& host) const;
  // The table the run's workload uses ("fl_append", …): the disk faults then
  // damage its files only, not those of tables nobody reads.
  void use_table(const std::string& table) {
    std::lock_guard<std::mutex> lock(mu_);
    table_in_use_ = table;
  }
  int port() const { return opts_.port; }

 private:
  Argv as_postgres(Argv argv) const;
  std::string data_dir(const Host& host) const;
  std::string log_path(const Host& host) const;
  void wait_ready(Host& host);
  void prepare_data_dir(Host& host);
  void verify_checksums(Host& host);
  PostgresOptions opts_;
  mutable std::mutex mu_;
  std::string primary_address_;
  std::map<std::string, std::string> serving_;  // node name -> address, for nodes that run a server
  std::map<std::string, bool> replica_;
  // Table -> its heap file and its primary key's, relative to a data directory.
  std::map<std::string, std::vector<std::string>> table_files_;
  std::string table_in_use_;  // "" = every table
  DaemonTable daemons_{true};  // the postmaster of each node, with every process it forked
};

}  // namespace fl
