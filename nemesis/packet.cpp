#include "nemesis/packet.h"

#include "nemesis/fault_journal.h"
#include "nemesis/firewall.h"

namespace fl {

PacketNemesis::PacketNemesis(std::string name, PacketFault fault) : name_(std::move(name)), fault_(std::move(fault)) {}

NemesisEvent PacketNemesis::start(NemesisContext& ctx) {
  if (!journal_ids_.empty()) stop(ctx);
  if (ctx.nodes.empty()) return {"start-" + name_, {{"nodes", nlohmann::json::array()}}};
  bool netem = netem_available(*ctx.nodes.front());
  require_netem_if_needed(fault_, netem);  // before journaling: nothing to undo
  nlohmann::json value = fault_.to_json();
  value["nodes"] = nlohmann::json::array();
  for (Host* h : ctx.nodes) value["nodes"].push_back(h->name());
  if (fault_.needs_netem() || !fault_.rate.empty() || (netem && fault_.loss_percent > 0)) {
    journal_ids_.push_back(journal_fault({{"kind", "qdisc"}, {"nodes", node_refs(ctx.nodes)}}, ctx.nodes));
    apply_qdisc(ctx.nodes, fault_);
    value["via"] = netem ? "netem" : "tbf";
  }
  if (!netem && fault_.loss_percent > 0) {
    journal_ids_.push_back(journal_fault(
        {{"kind", "iptables-chain"}, {"chain", kLossChain}, {"hook", "OUTPUT"}, {"nodes", node_refs(ctx.nodes)}},
        ctx.nodes));
    apply_loss(ctx.nodes, fault_.loss_percent);
    value["loss_via"] = "iptables statistic";
  }
  return {"start-" + name_, value};
}

NemesisEvent PacketNemesis::stop(NemesisContext& ctx) {
  for (const auto& e : journaled_faults())
    for (const auto& id : journal_ids_)
      if (e.value("id", "") == id) {
        undo_fault_on(e, ctx.nodes);
        forget_fault(id, ctx.nodes);
      }
  journal_ids_.clear();
  return {"stop-" + name_, {{"healed", "packets"}}};
}

}  // namespace fl
