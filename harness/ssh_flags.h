// The SSH flags shared by `faultline test` and `faultline heal`: --ssh (alias
// --hosts) HOST,… and how to reach them (--ssh-user, --ssh-key, --ssh-port,
// --ssh-known-hosts, --ssh-strict-host-keys, --ssh-connect-timeout), plus
// --real-clocks and --ssh-diskfs for `test`.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cluster/ssh_host.h"

namespace fl {

void add_ssh_flags(CLI::App& cmd, std::vector<std::string>& hosts, SshOptions& opts, bool for_test);

}  // namespace fl
