// NamespaceHost: a node that is a network namespace on this machine. Commands
// run as `ip netns exec <netns> argv…` through cluster/process (the one place
// that forks); daemons likewise, so their pid is the daemon's own (ip execs
// it). Files need no transfer — the namespace shares the filesystem — so
// upload/download are local copies. SshHost implements the same interface
// over OpenSSH. Thread-safe: holds no mutable state.
#pragma once

#include <string>
#include <vector>

#include "cluster/host.h"

namespace fl {

class NamespaceHost : public Host {
 public:
  // name "n1", netns "fl-n1", address "10.213.77.11".
  NamespaceHost(std::string name, std::string netns, std::string address);

  const std::string& name() const override { return name_; }
  const std::string& address() const override { return address_; }
  const std::string& netns() const { return netns_; }

  RunResult run(const Argv& argv, const RunOptions& opts = {}) override;
  int spawn(const DaemonSpec& spec) override;
  bool alive(int pid) override;
  void stop(int pid, std::chrono::milliseconds grace = std::chrono::seconds(5)) override;
  void signal(int pid, int sig) override;
  void upload(const std::string& local_path, const std::string& host_path) override;
  void download(const std::string& host_path, const std::string& local_path) override;

  // Every process living in this namespace (`ip netns pids`), e.g. to crash
  // or freeze a node's daemons when no Db knows them.
  std::vector<int> pids();

 private:
  Argv in_namespace(const Argv& argv) const;
  std::string name_, netns_, address_;
};

// The pids of the processes in network namespace `netns` (empty if none, or
// if the namespace does not exist).
std::vector<int> namespace_pids(const std::string& netns);

}  // namespace fl
