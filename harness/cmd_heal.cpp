// `faultline heal` — undo every fault in the journal (rules, qdiscs, clocks,
// paused processes). Safe to run twice; needs root. Unlike `cluster down`
// it heals a running test's faults too: healing never destroys anything.
#include <fmt/format.h>

#include "cluster/local_cluster.h"
#include "harness/commands.h"
#include "nemesis/fault_journal.h"

namespace fl {

void add_heal_command(CLI::App& app, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("heal", "Undo every fault the journal records");
  cmd->callback([&exit_code] {
    if (!running_as_root()) throw UsageError("`faultline heal` needs root to remove iptables rules and qdiscs; run it as root");
    auto done = heal_journaled();
    if (done.empty()) fmt::print("nothing to heal\n");
    for (const auto& d : done) fmt::print("{}\n", d);
    exit_code = exit_code::kValid;
  });
}

}  // namespace fl
