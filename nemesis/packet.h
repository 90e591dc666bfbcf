// PacketNemesis: packet faults on every node's interface — loss, delay with
// jitter, duplication, reordering, corruption, rate limits (traffic.h). Where
// the kernel has no netem, loss falls back to iptables' statistic match and
// delay, reorder, duplicate and corrupt to fl-shaper on NFQUEUE
// (nfqueue_shaper.h); the start event's "shaper" names which one ran, and the
// stop event carries the shaper's counters and, in "problem", any fault of its own.
// Options `target` (whose outgoing packets: "all" by default, or one,
// minority, majority, a node, nodes "n1,n3") and `peers` (to whom: "all" by
// default, or the same words over the other nodes) aim the fault at a node or
// one link; a fault aimed at some peers runs on fl-shaper and iptables even
// where netem is there (a qdisc acts on the whole interface), and `rate`
// takes no peers.
#pragma once

#include <string>

#include "nemesis/firewall.h"
#include "nemesis/nemesis.h"
#include "nemesis/traffic.h"

namespace fl {

class PacketNemesis : public Nemesis {
 public:
  // Throws ClusterError for a `rate` aimed at some peers.
  PacketNemesis(std::string name, PacketFault fault, const nlohmann::json& options = nlohmann::json::object());
  std::string name() const override { return name_; }
  NemesisEvent start(NemesisContext& ctx) override;
  NemesisEvent stop(NemesisContext& ctx) override;
  std::string unavailable(const Db* db) const override;

 private:
  std::string name_;
  PacketFault fault_;
  std::string target_ = "all", peers_ = "all";
  std::vector<Host*> hosts_;  // the target hosts while the fault is on
  std::vector<std::string> journal_ids_;
};

}  // namespace fl
