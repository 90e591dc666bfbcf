#include "cluster/host.h"

#include <csignal>

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

}  // namespace fl
