// CourseDb: a server that speaks the course protocol (fl-course, or a
// student's binary) on every node, started as COURSE.md says:
//   BINARY --node n2 --listen ADDR:PORT --peers n1=…,n2=…,n3=… --data DIR [args]
// under libfaketime (wall clock only: monotonic time is left alone, as a
// real clock step would leave it), so the clock nemesis can skew it.
// setup() wipes each node's data, starts every node and waits (bounded)
// until each answers GET /health; a node that exits or stays silent ends
// setup with one sentence naming its log. start() after a kill restarts the
// node on its own data directory. teardown() stops the servers and keeps
// their logs and data until the next setup, so log_files() (log + data
// files) can be copied into the store. primaries() asks each node's /health
// for "primary": true. Every command goes through Host::run / Host::spawn.
// Thread-safety: per-host calls may run concurrently.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "cluster/db.h"
#include "systems/daemon_table.h"

namespace fl {

struct CourseDbOptions {
  std::string binary;                       // absolute path of the server
  std::vector<std::string> args;            // appended to every node's command line
  std::string label = "fl-course";          // how messages name the server
  std::string data_root = "/tmp/faultline-course";  // <root>/<node>/ data, <root>/<node>.log log
  int port = 7000;
  double healthy_within_s = 10;
};

class CourseDb : public Db {
 public:
  explicit CourseDb(CourseDbOptions opts) : opts_(std::move(opts)) {}
  std::string name() const override { return opts_.label; }
  void setup(const std::vector<Host*>& hosts) override;
  void teardown(const std::vector<Host*>& hosts) noexcept override;
  void start(Host& host) override;
  void kill(Host& host) override;
  void pause(Host& host) override;
  void resume(Host& host) override;
  std::vector<int> pids(Host& host) override;
  bool clock_via_libfaketime() const override { return true; }
  std::vector<std::string> log_files(Host& host) override;
  std::vector<std::string> primaries(const std::vector<Host*>& hosts) override;
  std::string data_mount_dir(const Host& host) const override { return data_dir(host); }
  std::vector<std::string> data_files() const override { return {"*.wal"}; }

  std::string url(const Host& host) const;
  std::string data_dir(const Host& host) const;
  std::string log_path(const Host& host) const;

 private:
  Argv argv_for(const Host& host) const;
  CourseDbOptions opts_;
  std::mutex mu_;
  std::string peers_;                 // fixed at setup
  DaemonTable daemons_;
};

}  // namespace fl
