// `faultline list`: everything that is registered — models, checkers,
// systems, workloads, nemeses — straight from the registries.
#include <string>

#include <fmt/format.h>

#include "checkers/registry.h"
#include "harness/commands.h"
#include "nemesis/nemesis.h"
#include "systems/system.h"
#include "workloads/workload.h"

namespace fl {

void add_list_command(CLI::App& app, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("list", "List the models, checkers, systems, workloads and nemeses");
  cmd->callback([&exit_code] {
    auto section = [](const char* title, const auto& entries) {
      fmt::print("{}:\n", title);
      if (entries.empty()) fmt::print("  (none yet)\n");
      for (const auto& e : entries) fmt::print("  {:<20} {}\n", e.name, e.description);
    };
    // A system's or workload's knobs (--opt, --workload-opt), under it.
    auto with_knobs = [](const char* title, const char* flag, const auto& entries) {
      fmt::print("{}:\n", title);
      for (const auto& e : entries) {
        fmt::print("  {:<20} {}\n", e.name, e.description);
        std::string knobs;
        for (const RegistryEntry& k : e.knobs) knobs += (knobs.empty() ? "" : ", ") + k.name;
        if (!knobs.empty()) fmt::print("  {:<20}   {}: {}\n", "", flag, knobs);
      }
    };
    section("models", list_models());
    section("checkers", list_checkers());
    with_knobs("systems", "--opt", list_systems());
    with_knobs("workloads", "--workload-opt", list_workloads());
    section("nemeses", list_nemeses());
    exit_code = exit_code::kValid;
  });
}

}  // namespace fl
