#include "nemesis/partition.h"

#include <algorithm>

#include <fmt/format.h>

#include "cluster/process.h"
#include "nemesis/fault_journal.h"
#include "nemesis/firewall.h"
#include "nemesis/grudge.h"

namespace fl {

PartitionNemesis::PartitionNemesis(nlohmann::json options)
    : grudge_option_(options.is_object() && options.contains("grudge") ? options["grudge"] : nlohmann::json()) {}

NemesisEvent PartitionNemesis::start(NemesisContext& ctx) {
  if (!journal_id_.empty()) stop(ctx);
  std::vector<std::string> names;
  for (Host* h : ctx.nodes) names.push_back(h->name());
  std::mt19937_64 fallback(0);
  std::mt19937_64& rng = ctx.rng ? *ctx.rng : fallback;
  std::string shape;
  Grudge grudge;
  nlohmann::json primaries;
  if (grudge_option_.is_object()) {
    shape = "custom";
    grudge = grudge_from_json(grudge_option_, names);
  } else if (grudge_option_ == "primaries") {
    // Jepsen's :primaries: cut off whoever the system says leads right now;
    // if it names none (mid-election, or no such notion), one random node.
    shape = "primaries";
    std::vector<std::string> cut = ctx.db ? ctx.db->primaries(ctx.nodes) : std::vector<std::string>{};
    primaries = cut;
    if (cut.empty()) cut = {names[std::uniform_int_distribution<size_t>(0, names.size() - 1)(rng)]};
    std::vector<std::string> rest;
    for (const auto& n : names)
      if (std::find(cut.begin(), cut.end(), n) == cut.end()) rest.push_back(n);
    grudge = complete_grudge({cut, rest});
  } else {
    if (grudge_option_.is_string()) {
      shape = grudge_option_.get<std::string>();
    } else {
      std::uniform_int_distribution<size_t> pick(0, grudge_names().size() - 1);
      shape = grudge_names()[pick(rng)];
    }
    grudge = make_grudge(shape, names, rng);
  }
  journal_id_ = journal_fault({{"kind", "iptables-chain"},
                               {"chain", kPartitionChain},
                               {"hook", "INPUT"},
                               {"nodes", node_refs(ctx.nodes)}},
                              ctx.nodes);
  apply_grudge(ctx.nodes, grudge);
  nlohmann::json value = {{"grudge", shape}, {"drops", grudge_to_json(grudge)}};
  if (shape == "primaries") value["primaries"] = primaries;
  return {"start-partition", value};
}

NemesisEvent PartitionNemesis::stop(NemesisContext& ctx) {
  remove_chain(ctx.nodes, kPartitionChain, "INPUT");
  if (!journal_id_.empty()) forget_fault(journal_id_, ctx.nodes);
  journal_id_.clear();
  return {"stop-partition", {{"healed", "network"}}};
}

std::string PartitionNemesis::unavailable(const Db*) const {
  if (find_program("iptables").empty())
    return "the partition nemeses need iptables, which is not installed; install iptables (scripts/setup)";
  return "";
}

}  // namespace fl
