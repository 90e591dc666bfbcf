// Firewall: the one place that talks to iptables. Rules live only in chains
// faultline owns (FL-PARTITION, FL-LOSS) inside the nodes' namespaces; each
// node's rules are installed atomically with one `iptables-restore --noflush`
// and all nodes are handled in parallel. Rules name only the addresses of the
// cluster's own nodes.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cluster/host.h"
#include "nemesis/grudge.h"

namespace fl {

constexpr const char* kPartitionChain = "FL-PARTITION";
constexpr const char* kLossChain = "FL-LOSS";
constexpr const char* kShaperChain = "FL-SHAPE";

// For every node with a grudge: drop inbound packets from the addresses of
// the nodes it holds a grudge against. `hosts` are all the cluster's nodes.
void apply_grudge(const std::vector<Host*>& hosts, const Grudge& grudge);
// Drops `percent` of the packets each host sends on `iface` ("" = each
// host's own interface) — iptables' statistic match, the loss fault where
// the kernel has no netem.
// `to` (by host name) limits a host's rule to packets for those addresses;
// a host it does not name drops from everything it sends.
using Destinations = std::map<std::string, std::vector<std::string>>;
void apply_loss(const std::vector<Host*>& hosts, double percent, const std::string& iface = "", const Destinations& to = {});
// Sends every packet each host sends on `iface` ("" = its own interface) to
// NFQUEUE queue `queue` (fl-shaper), except those carrying `mark` (the
// shaper's own copies). --queue-bypass: with no shaper serving the queue the
// packets pass rather than vanish.
// `to` limits a host's queue to packets for those addresses, as for loss.
void apply_shaper_queue(const std::vector<Host*>& hosts, int queue, std::uint32_t mark, const std::string& iface = "",
                        const Destinations& to = {});
// Removes chain `chain` from `hook` and deletes it, on every host. A chain
// that is not there is fine.
void remove_chain(const std::vector<Host*>& hosts, const std::string& chain, const std::string& hook);

}  // namespace fl
