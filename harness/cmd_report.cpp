// `faultline report` — placeholder until its issue lands; says so plainly.
#include "harness/commands.h"

namespace fl {

void add_report_command(CLI::App& app, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("report", "(not implemented yet)");
  cmd->allow_extras();
  cmd->callback([&exit_code] {
    throw UsageError("`faultline report` is not implemented yet");
  });
}

}  // namespace fl
