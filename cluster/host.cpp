#include "cluster/host.h"

#include <csignal>
#include <sstream>
#include <thread>

#include <fmt/format.h>

namespace fl {

RunResult Host::run_checked(const Argv& argv, const RunOptions& opts) {
  RunResult r = run(argv, opts);
  if (!r.ok()) {
    std::string cmd;
    for (const auto& a : argv) cmd += (cmd.empty() ? "" : " ") + a;
    std::string why = r.timed_out ? "timed out" : fmt::format("exited with {}", r.exit_code);
    std::string err = r.err;
    while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) err.pop_back();
    throw ClusterError(fmt::format("on {}: `{}` {}{}{}", name(), cmd, why, err.empty() ? "" : ": ", err));
  }
  return r;
}

void Host::kill(int pid) { signal(pid, SIGKILL); }

void Host::await_stopped(const std::vector<int>& pids) {
  if (pids.empty()) return;
  std::string list;
  for (int pid : pids) list += (list.empty() ? "" : ",") + std::to_string(pid);
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  for (;;) {
    const RunResult r = run({"ps", "-L", "-o", "stat=", "-p", list});
    bool stopped = true;  // a thread's state: T stopped, Z or X gone
    std::istringstream in(r.out);
    for (std::string stat; in >> stat;) stopped = stopped && (stat[0] == 'T' || stat[0] == 'Z' || stat[0] == 'X');
    if (stopped || std::chrono::steady_clock::now() > until) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

}  // namespace fl
