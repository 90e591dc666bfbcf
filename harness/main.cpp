// faultline — the command line. Parses with CLI11, dispatches to the
// subcommands of harness/commands.h, and turns every error into one sentence
// on stderr plus DESIGN.md's exit code. Never a stack trace.
#include <cstdio>
#include <exception>

#include <fmt/format.h>

#include "cluster/host.h"
#include "harness/commands.h"
#include "harness/version.h"
#include "history/error.h"

int main(int argc, char** argv) {
  using namespace fl;
  CLI::App app{"faultline: a Jepsen-style tester for distributed systems"};
  app.set_version_flag("--version", std::string("faultline ") + FAULTLINE_VERSION);
  app.require_subcommand(1);
  int code = exit_code::kValid;
  add_check_command(app, code);
  add_test_command(app, code);
  add_cluster_command(app, code);
  add_nemesis_command(app, code);
  add_heal_command(app, code);
  add_report_command(app, code);
  add_shrink_command(app, code);
  add_reproduce_command(app, code);
  add_serve_command(app, code);
  add_demo_command(app, code);
  add_list_command(app, code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int r = app.exit(e);
    return r == 0 ? 0 : exit_code::kUsage;
  } catch (const BadInput& e) {
    fmt::print(stderr, "faultline: {}\n", e.what());
    return exit_code::kBadInput;
  } catch (const UsageError& e) {
    fmt::print(stderr, "faultline: {}\n", e.what());
    return exit_code::kUsage;
  } catch (const EnvironmentError& e) {
    // The machine stands in the way (a missing program, a cluster of another
    // run, …): refused before anything started, with the fix in the sentence.
    fmt::print(stderr, "faultline: {}\n", e.what());
    return exit_code::kUsage;
  } catch (const SettingsError& e) {
    // A wrong SSH key, user or host name: the settings, not the machine.
    fmt::print(stderr, "faultline: {}\n", e.what());
    return exit_code::kUsage;
  } catch (const SystemFailure& e) {
    // The server under test exited or never became healthy: its failure.
    fmt::print(stderr, "faultline: {}\n", e.what());
    return exit_code::kUsage;
  } catch (const ClusterError& e) {
    fmt::print(stderr, "faultline: {}\n", e.what());
    return exit_code::kInternal;
  } catch (const std::exception& e) {
    fmt::print(stderr, "faultline: internal error: {}\n", e.what());
    return exit_code::kInternal;
  }
  return code;
}
