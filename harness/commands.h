// The subcommands of the `faultline` command line (CLI11). Each add_*_command
// registers one subcommand on the app; its callback stores the process exit
// code (DESIGN.md: 0 valid, 1 anomalies, 2 unknown, 64 usage, 65 bad input,
// 70 internal) in `exit_code`. Errors escape as exceptions and main() maps
// them: BadInput → 65, UsageError and EnvironmentError (cluster/host.h) → 64,
// anything else → 70.
#pragma once

#include <stdexcept>

#include <CLI/CLI.hpp>

namespace fl {

namespace exit_code {
constexpr int kValid = 0;
constexpr int kInvalid = 1;
constexpr int kUnknown = 2;
constexpr int kUsage = 64;
constexpr int kBadInput = 65;
constexpr int kInternal = 70;
}  // namespace exit_code

// A mistake in how the command was called (exit 64), e.g. not root.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

void add_check_command(CLI::App& app, int& exit_code);
void add_list_command(CLI::App& app, int& exit_code);
void add_test_command(CLI::App& app, int& exit_code);
void add_cluster_command(CLI::App& app, int& exit_code);
void add_nemesis_command(CLI::App& app, int& exit_code);
void add_heal_command(CLI::App& app, int& exit_code);
void add_report_command(CLI::App& app, int& exit_code);
void add_serve_command(CLI::App& app, int& exit_code);
void add_demo_command(CLI::App& app, int& exit_code);
void add_shrink_command(CLI::App& app, int& exit_code);
void add_reproduce_command(CLI::App& app, int& exit_code);

}  // namespace fl
