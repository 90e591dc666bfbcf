#include "nemesis/packet.h"

#include "nemesis/fault_journal.h"
#include "nemesis/firewall.h"
#include "nemesis/nfqueue_shaper.h"
#include "nemesis/targets.h"

namespace fl {

PacketNemesis::PacketNemesis(std::string name, PacketFault fault, const nlohmann::json& options)
    : name_(std::move(name)), fault_(std::move(fault)) {
  if (options.is_object()) {
    target_ = options.value("target", target_);
    peers_ = options.value("peers", peers_);
  }
  if (peers_ != "all" && !fault_.rate.empty())
    throw ClusterError("a rate limit acts on a node's whole interface; give it no peers");
}

std::string PacketNemesis::unavailable(const Db*) const {
  if (peers_ != "all" && fault_.needs_netem()) return shaper_unavailable(name_);  // fl-shaper, netem or not
  return packet_fault_unavailable(name_, fault_);
}

NemesisEvent PacketNemesis::start(NemesisContext& ctx) {
  if (!journal_ids_.empty()) stop(ctx);
  if (ctx.nodes.empty()) return {"start-" + name_, {{"nodes", nlohmann::json::array()}}};
  std::mt19937_64 fixed(1);
  std::mt19937_64& rng = ctx.rng ? *ctx.rng : fixed;
  hosts_ = choose_targets(ctx.nodes, target_, rng);
  // Whom each target sends the fault's packets to: everyone, or the chosen
  // peers among the other nodes (by address).
  Destinations to;
  nlohmann::json links = nlohmann::json::object();
  if (peers_ != "all")
    for (Host* h : hosts_) {
      std::vector<Host*> others;
      for (Host* o : ctx.nodes)
        if (o != h) others.push_back(o);
      std::vector<std::string>& addrs = to[h->name()];
      for (Host* p : choose_targets(others, peers_, rng)) {
        addrs.push_back(p->address());
        links[h->name()].push_back(p->name());
      }
    }
  bool netem = peers_ == "all" && netem_available(*ctx.nodes.front());
  nlohmann::json value = fault_.to_json();
  value["nodes"] = nlohmann::json::array();
  for (Host* h : hosts_) value["nodes"].push_back(h->name());
  if (peers_ != "all") value["peers"] = links;
  // What tc and iptables apply: everything with netem; without it, fl-shaper
  // takes delay, reorder, duplicate and corrupt, and loss and rate stay here.
  PacketFault rest = fault_;
  if (fault_.needs_netem()) value["shaper"] = netem ? "netem" : "nfqueue";
  if (fault_.needs_netem() && !netem) {
    journal_ids_.push_back(journal_fault(
        {{"kind", "shaper"}, {"chain", kShaperChain}, {"shaper", "nfqueue"}, {"nodes", node_refs(hosts_)}}, hosts_));
    start_shapers(hosts_, fault_, rng(), to);
    rest = PacketFault();
    rest.loss_percent = fault_.loss_percent;
    rest.rate = fault_.rate;
  }
  if (rest.needs_netem() || !rest.rate.empty() || (netem && rest.loss_percent > 0)) {
    journal_ids_.push_back(journal_fault({{"kind", "qdisc"}, {"nodes", node_refs(hosts_)}}, hosts_));
    apply_qdisc(hosts_, rest);
    value["via"] = netem ? "netem" : "tbf";
  }
  // After the shaper's chain: inserted first in OUTPUT, the loss is drawn
  // before a packet is queued (a shaper's verdict skips the rest of OUTPUT).
  if (!netem && rest.loss_percent > 0) {
    journal_ids_.push_back(journal_fault(
        {{"kind", "iptables-chain"}, {"chain", kLossChain}, {"hook", "OUTPUT"}, {"nodes", node_refs(hosts_)}}, hosts_));
    apply_loss(hosts_, rest.loss_percent, "", to);
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
          ShaperReport r = stop_shapers(hosts_.empty() ? ctx.nodes : hosts_);
          value["shaper"] = "nfqueue";
          value["shaper_stats"] = r.stats;
          if (!r.problem.empty()) value["problem"] = r.problem;
        } else {
          undo_fault_on(e, hosts_.empty() ? ctx.nodes : hosts_);
        }
        forget_fault(id, ctx.nodes);
      }
  journal_ids_.clear();
  hosts_.clear();
  return {"stop-" + name_, value};
}

}  // namespace fl
