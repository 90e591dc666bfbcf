#include "systems/daemon_table.h"

#include <csignal>
#include <map>
#include <sstream>

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

namespace {

// Every process below `pid` on `host`, parents before their children.
std::vector<int> descendants(Host& host, int pid) {
  RunResult r = host.run({"ps", "-e", "-o", "pid=,ppid="});
  std::multimap<int, int> children;
  std::istringstream in(r.out);
  for (int p = 0, pp = 0; in >> p >> pp;) children.emplace(pp, p);
  std::vector<int> out;
  for (std::vector<int> next = {pid}; !next.empty();) {
    int parent = next.back();
    next.pop_back();
    auto [a, b] = children.equal_range(parent);
    for (auto it = a; it != b; ++it) {
      out.push_back(it->second);
      next.push_back(it->second);
    }
  }
  return out;
}

}  // namespace

void DaemonTable::send(Host& host, int pid, int sig) {
  if (!whole_tree_) return host.signal(pid, sig);
  if (sig == SIGCONT) {  // children first: the parent, once running, finds them running
    for (int child : descendants(host, pid)) host.signal(child, sig);
    return host.signal(pid, sig);
  }
  host.signal(pid, SIGSTOP);  // forks no one from here on
  for (int child : descendants(host, pid)) host.signal(child, sig);
  host.signal(pid, sig);
}

void DaemonTable::kill(Host& host) {
  for (int pid : pids(host)) send(host, pid, SIGKILL);
}
void DaemonTable::pause(Host& host) {
  for (int pid : pids(host)) {
    send(host, pid, SIGSTOP);
    std::vector<int> tree = whole_tree_ ? descendants(host, pid) : std::vector<int>{};
    tree.push_back(pid);
    host.await_stopped(tree);
  }
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
