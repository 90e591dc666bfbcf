// `faultline nemesis` — placeholder until its issue lands; says so plainly.
#include "harness/commands.h"

namespace fl {

void add_nemesis_command(CLI::App& app, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("nemesis", "(not implemented yet)");
  cmd->allow_extras();
  cmd->callback([&exit_code] {
    throw UsageError("`faultline nemesis` is not implemented yet");
  });
}

}  // namespace fl
