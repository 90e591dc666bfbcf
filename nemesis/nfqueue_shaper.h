// The packet faults netem would apply (delay, jitter, reorder, duplicate,
// corrupt), on a kernel without sch_netem: fl-shaper (shaper/) started in
// each node's namespace through Host::spawn, fed by the NFQUEUE rule of the
// FL-SHAPE chain (firewall.h). The caller journals a "shaper" entry before
// start_shapers(); undoing it (stop_shapers) removes the rules first, so no
// packet waits on a shaper that is gone, then stops each shaper, which
// releases what it holds. Each shaper's pid is in its stats file on its
// host, so `faultline heal` finds it without the process that started it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cluster/host.h"
#include "nemesis/firewall.h"
#include "nemesis/traffic.h"

namespace fl {

constexpr int kShaperQueue = 47;            // the NFQUEUE queue number in each node's namespace
constexpr std::uint32_t kShaperMark = 0x464c;  // fl-shaper's copies carry it, and skip the queue

// fl-shaper: $FL_SHAPER if set, else beside the faultline binary, else on
// PATH; "" if none. (On an SSH host the same path must hold it.)
std::string shaper_binary();
// "" when the shaper can act here; otherwise the sentence naming what is
// missing (the fl-shaper binary, iptables) and the fix.
std::string shaper_unavailable(const std::string& nemesis);

// Starts fl-shaper on every host with `fault`'s delay, jitter, reorder,
// duplicate and corrupt (seeded from `seed`, one stream per host), waits until
// each serves its queue, then sends the host's egress to it. Throws
// ClusterError (with the shaper's own sentence) if one cannot start.
// `to` limits each host's queue to packets for those addresses (firewall.h).
void start_shapers(const std::vector<Host*>& hosts, const PacketFault& fault, std::uint64_t seed,
                   const Destinations& to = {});

// Removes the rules and stops the shapers on `hosts` (those that are gone are
// fine). Returns each host's final counters {node: stats} and, in
// "problem", a sentence if a shaper fell behind (added delay or loss of its
// own) or died while the fault was on — "" otherwise.
struct ShaperReport {
  nlohmann::json stats = nlohmann::json::object();
  std::string problem;
};
ShaperReport stop_shapers(const std::vector<Host*>& hosts);

}  // namespace fl
