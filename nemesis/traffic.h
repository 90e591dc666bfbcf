// Traffic: the one place that talks to tc. Packet faults as a root qdisc on
// each node's interface: netem (loss, delay with jitter, duplication,
// reordering, corruption) where the kernel has sch_netem, tbf for rate
// limits. Where netem is missing, loss goes through iptables instead (see
// firewall.h) and the other faults through fl-shaper (nfqueue_shaper.h);
// apply_qdisc() itself refuses them with a sentence naming the module —
// never a silent no-op.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cluster/host.h"

namespace fl {

// An interface of "" below means each host's own (Host::interface(): eth0 on
// a local-cluster node, the one carrying the host's address over SSH).

struct PacketFault {
  double loss_percent = 0;
  double delay_ms = 0;
  double jitter_ms = 0;
  std::string distribution;     // of the jitter: "" (netem's default, normal), "normal", "pareto"
  double correlation_percent = 0;  // how much each delay follows the previous one
  double duplicate_percent = 0;
  double reorder_percent = 0;   // needs a delay: reordered packets skip it
  double corrupt_percent = 0;
  std::string rate;             // e.g. "1mbit"; "" = no limit

  bool needs_netem() const { return delay_ms > 0 || duplicate_percent > 0 || reorder_percent > 0 || corrupt_percent > 0; }
  bool empty() const { return !needs_netem() && loss_percent <= 0 && rate.empty(); }
  nlohmann::json to_json() const;
  // Reads {"loss":30,"delay_ms":…,"jitter_ms":…,"distribution":"normal"|"pareto","correlation":…,
  // "duplicate":…,"reorder":…,"corrupt":…,"rate":"1mbit"} (percentages as netem's).
  static PacketFault from_json(const nlohmann::json& j);
};

// Whether the kernel has sch_netem (probed once on `host`, then remembered).
bool netem_available(Host& host, const std::string& iface = "");
// The same, before any node exists: probed once in a throwaway network
// namespace (`unshare --net`), which leaves nothing behind.
bool netem_in_kernel();
// "" when the packet fault `name` can act here; otherwise the sentence that
// names what is missing (tc, iptables, sch_netem) and the fix.
std::string packet_fault_unavailable(const std::string& name, const PacketFault& fault);

// Throws ClusterError naming sch_netem if `fault` needs it and netem is absent.
void require_netem_if_needed(const PacketFault& fault, bool netem);

// Installs the fault's qdisc on every host: netem (with the loss too), or tbf
// for a rate alone. Throws ClusterError naming the missing module if the
// fault needs netem and the kernel lacks it. Does nothing for the loss part
// when netem is missing: the caller applies it through iptables.
void apply_qdisc(const std::vector<Host*>& hosts, const PacketFault& fault, const std::string& iface = "");
// Deletes the root qdisc of `iface` on every host; absent is fine.
void clear_qdisc(const std::vector<Host*>& hosts, const std::string& iface = "");

}  // namespace fl
