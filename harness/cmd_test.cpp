// `faultline test` — placeholder until its issue lands; says so plainly.
#include "harness/commands.h"

namespace fl {

void add_test_command(CLI::App& app, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("test", "(not implemented yet)");
  cmd->allow_extras();
  cmd->callback([&exit_code] {
    throw UsageError("`faultline test` is not implemented yet");
  });
}

}  // namespace fl
