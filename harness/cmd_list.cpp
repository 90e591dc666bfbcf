// `faultline list`: everything that is registered — models, checkers,
// systems, workloads, nemeses — straight from the registries.
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
    section("models", list_models());
    std::vector<RegistryEntry> checkers;
    for (const Checker* c : all_checkers()) checkers.push_back({c->name(), c->description()});
    section("checkers", checkers);
    section("systems", list_systems());
    section("workloads", list_workloads());
    section("nemeses", list_nemeses());
    exit_code = exit_code::kValid;
  });
}

}  // namespace fl
