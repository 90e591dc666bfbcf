// `faultline heal` — undo every fault in the journal (rules, qdiscs, clocks,
// paused processes). Safe to run twice; needs root. Unlike `cluster down`
// it heals a running test's faults too: healing never destroys anything.
// With --ssh HOST,…: read each host's own journal there, undo every fault
// it records and stop the daemons a crashed run left behind — from any machine.
#include <fmt/format.h>

#include "cluster/local_cluster.h"
#include "harness/commands.h"
#include "harness/ssh_flags.h"
#include "nemesis/fault_journal.h"
#include "cluster/parallel.h"

namespace fl {

void add_heal_command(CLI::App& app, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("heal", "Undo every fault the journal records (with --ssh: each host's own journal)");
  auto hosts = std::make_shared<std::vector<std::string>>();
  auto ssh = std::make_shared<SshOptions>();
  add_ssh_flags(*cmd, *hosts, *ssh, false);
  cmd->callback([&exit_code, hosts, ssh] {
    std::vector<std::string> done;
    if (!hosts->empty()) {
      std::vector<std::unique_ptr<SshHost>> owned;
      std::vector<Host*> ptrs;
      for (size_t i = 0; i < hosts->size(); ++i) {
        owned.push_back(std::make_unique<SshHost>(fmt::format("n{}", i + 1), (*hosts)[i], *ssh));
        ptrs.push_back(owned.back().get());
      }
      on_each_host(ptrs, [](Host& h) { static_cast<SshHost&>(h).connect(); });
      done = heal_hosts(ptrs);
    } else {
      if (!running_as_root())
        throw UsageError("`faultline heal` needs root to remove iptables rules and qdiscs; run it as root");
      done = heal_journaled();
    }
    if (done.empty()) fmt::print("nothing to heal\n");
    for (const auto& d : done) fmt::print("{}\n", d);
    exit_code = exit_code::kValid;
  });
}

}  // namespace fl
