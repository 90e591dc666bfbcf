// LocalHost: this machine itself as a Host, with no namespace and no SSH —
// for a throwaway server on 127.0.0.1 that a command starts for itself
// (`faultline reproduce` replays a run against one). Commands and daemons go
// through cluster/process like every other host's; files are local copies.
// Thread-safe: holds no mutable state.
#pragma once

#include <string>

#include "cluster/host.h"

namespace fl {

class LocalHost : public Host {
 public:
  // name "local", address "127.0.0.1" unless told otherwise.
  explicit LocalHost(std::string name = "local", std::string address = "127.0.0.1");

  const std::string& name() const override { return name_; }
  const std::string& address() const override { return address_; }
  std::string interface() override { return "lo"; }

  RunResult run(const Argv& argv, const RunOptions& opts = {}) override;
  int spawn(const DaemonSpec& spec) override;
  bool alive(int pid) override;
  void stop(int pid, std::chrono::milliseconds grace = std::chrono::seconds(5)) override;
  void signal(int pid, int sig) override;
  void upload(const std::string& local_path, const std::string& host_path) override;
  void download(const std::string& host_path, const std::string& local_path) override;

 private:
  std::string name_, address_;
};

}  // namespace fl
