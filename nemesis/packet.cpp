#include "nemesis/packet.h"

#include "nemesis/fault_journal.h"
#include "nemesis/firewall.h"
#include "nemesis/nfqueue_shaper.h"

namespace fl {

PacketNemesis::PacketNemesis(std::string name, PacketFault fault) : name_(std::move(name)), fault_(std::move(fault)) {}

NemesisEvent PacketNemesis::start(NemesisContext& ctx) {
  if (!journal_ids_.empty()) stop(ctx);
  if (ctx.nodes.empty()) return {"start-" + name_, {{"nodes", nlohmann::json::array()}}};
  bool netem = netem_available(*ctx.nodes.front());
  nlohmann::json value = fault_.to_json();
  value["nodes"] = nlohmann::json::array();
  for (Host* h : ctx.nodes) value["nodes"].push_back(h->name());
  // What tc and iptables apply: everything with netem; without it, fl-shaper
  // takes delay, reorder, duplicate and corrupt, and loss and rate stay here.
  PacketFault rest = fault_;
  if (fault_.needs_netem()) value["shaper"] = netem ? "netem" : "nfqueue";
  if (fault_.needs_netem() && !netem) {
    journal_ids_.push_back(journal_fault(
        {{"kind", "shaper"}, {"chain", kShaperChain}, {"shaper", "nfqueue"}, {"nodes", node_refs(ctx.nodes)}}, ctx.nodes));
    start_shapers(ctx.nodes, fault_, ctx.rng ? (*ctx.rng)() : 1);
    rest = PacketFault();
    rest.loss_percent = fault_.loss_percent;
    rest.rate = fault_.rate;
  }
  if (rest.needs_netem() || !rest.rate.empty() || (netem && rest.loss_percent > 0)) {
    journal_ids_.push_back(journal_fault({{"kind", "qdisc"}, {"nodes", node_refs(ctx.nodes)}}, ctx.nodes));
    apply_qdisc(ctx.nodes, rest);
    value["via"] = netem ? "netem" : "tbf";
  }
  // After the shaper's chain: inserted first in OUTPUT, the loss is drawn
  // before a packet is queued (a shaper's verdict skips the rest of OUTPUT).
  if (!netem && rest.loss_percent > 0) {
    journal_ids_.push_back(journal_fault(
        {{"kind", "iptables-chain"}, {"chain", kLossChain}, {"hook", "OUTPUT"}, {"nodes", node_refs(ctx.nodes)}},
        ctx.nodes));
    apply_loss(ctx.nodes, rest.loss_percent);
    value["loss_via"] = "iptables statistic";
  }
  return {"start-" + name_, value};
}

NemesisEvent PacketNemesis::stop(NemesisContext& ctx) {
  nlohmann::json value = {{"healed", "packets"}};
  for (const auto& e : journaled_faults())
    for (const auto& id : journal_ids_)
      if (e.value("id", "") == id) {
        if (e.value("kind", "") == "shaper") {
          // The shapers' own account: what they did, and whether they kept up.
          ShaperReport r = stop_shapers(ctx.nodes);
          value["shaper"] = "nfqueue";
          value["shaper_stats"] = r.stats;
          if (!r.problem.empty()) value["problem"] = r.problem;
        } else {
          undo_fault_on(e, ctx.nodes);
        }
        forget_fault(id, ctx.nodes);
      }
  journal_ids_.clear();
  return {"stop-" + name_, value};
}

}  // namespace fl
