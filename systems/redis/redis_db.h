// RedisDb: Debian's redis-server on every node — the first node starts as the
// primary, the others as its replicas — and Debian's redis-sentinel beside
// each, all monitoring the primary under the name "fl" with a majority
// quorum, so a partition or a crash of the primary makes Sentinel promote a
// replica, as Redis users run it. setup() waits, bounded, until every replica
// is attached and every Sentinel sees the others; teardown() stops both
// daemons and wipes the data but keeps the logs. Every command goes through
// Host::run / Host::spawn / Host::upload, so it runs the same on namespaces
// and over SSH. Thread-safety: per-host calls may run concurrently.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "cluster/db.h"

namespace fl {

struct RedisOptions {
  std::string server = "/usr/bin/redis-server";
  std::string sentinel = "/usr/bin/redis-sentinel";
  std::string data_root = "/tmp/faultline-redis";  // <root>/<node>/ data and configs, <root>/<node>*.log logs
  int port = 6379;
  int sentinel_port = 26379;
  std::string master_name = "fl";
  int down_after_ms = 2000;       // Sentinel's down-after-milliseconds
  int failover_timeout_ms = 6000;  // Sentinel's failover-timeout
  double healthy_within_s = 30;
  std::string appendfsync = "everysec";  // when redis-server fsyncs its AOF: always, everysec (Redis's default), no
};

class RedisDb : public Db {
 public:
  explicit RedisDb(RedisOptions opts) : opts_(std::move(opts)) {}
  std::string name() const override { return "redis"; }
  void setup(const std::vector<Host*>& hosts) override;
  void teardown(const std::vector<Host*>& hosts) noexcept override;
  // Starts redis-server again after a kill: as a replica of the primary the
  // Sentinels name, or as the primary if they name this node (or none).
  void start(Host& host) override;
  void kill(Host& host) override;    // redis-server only; Sentinel watches
  void pause(Host& host) override;   // likewise
  void resume(Host& host) override;
  std::vector<int> pids(Host& host) override;  // redis-server's
  // The node's data directory (AOF, Sentinel's config): mounted through the
  // DataMount when one is set, so disk faults act on the AOF.
  std::string data_mount_dir(const Host& host) const override { return data_dir(host); }
  std::vector<std::string> log_files(Host& host) override;
  // Every node whose redis-server says role:master (two during a partition
  // that isolates the primary, until the old one is demoted).
  std::vector<std::string> primaries(const std::vector<Host*>& hosts) override;

  const RedisOptions& options() const { return opts_; }

 private:
  std::string data_dir(const Host& host) const;
  std::string log_path(const Host& host, const char* what) const;
  int start_server(Host& host, const std::string& replica_of);
  void start_sentinel(Host& host, const std::string& primary);
  RedisOptions opts_;
  std::mutex mu_;
  std::vector<Host*> hosts_;
  std::string primary_;                        // address the cluster started with
  std::map<std::string, int> server_pids_;     // node → redis-server pid
  std::map<std::string, int> sentinel_pids_;   // node → redis-sentinel pid
};

}  // namespace fl
