#include "systems/daemon_table.h"

#include <csignal>

namespace fl {

int DaemonTable::spawn(Host& host, const DaemonSpec& spec) {
  int pid = host.spawn(spec);
  std::lock_guard<std::mutex> lock(mu_);
  pids_[host.name()] = pid;
  return pid;
}

std::vector<int> DaemonTable::pids(Host& host) {
  int pid = -1;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = pids_.find(host.name());
    if (it != pids_.end()) pid = it->second;
  }
  if (pid > 0 && host.alive(pid)) return {pid};
  return {};
}

void DaemonTable::kill(Host& host) {
  for (int pid : pids(host)) send(host, pid, SIGKILL);
}
void DaemonTable::pause(Host& host) {
  for (int pid : pids(host)) send(host, pid, SIGSTOP);
}
void DaemonTable::resume(Host& host) {
  for (int pid : pids(host)) send(host, pid, SIGCONT);
}

void DaemonTable::stop(Host& host, std::chrono::milliseconds grace, int end_signal) noexcept {
  try {
    int pid = -1;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = pids_.find(host.name());
      if (it != pids_.end()) {
        pid = it->second;
        pids_.erase(it);
      }
    }
    if (pid <= 0) return;
    send(host, pid, SIGCONT);
    if (end_signal != SIGTERM) host.signal(pid, end_signal);  // Host::stop sends SIGTERM itself
    host.stop(pid, grace);
  } catch (...) {
    // Never throws: `faultline cluster down` removes whatever is left.
  }
}

}  // namespace fl
