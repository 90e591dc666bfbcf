// The nemesis registry: one line per nemesis. Options given to make_nemesis
// override the line's defaults.
#include <algorithm>
#include <functional>

#include <fmt/format.h>

#include "nemesis/clock.h"
#include "nemesis/composite.h"
#include "nemesis/disk_file.h"
#include "nemesis/kill_majority_pause_rest.h"
#include "nemesis/nemesis.h"
#include "nemesis/packet.h"
#include "nemesis/partition.h"
#include "nemesis/power_loss.h"
#include "nemesis/process_fault.h"

namespace fl {
namespace {

using json = nlohmann::json;
using Factory = std::function<std::unique_ptr<Nemesis>(const json&)>;

struct Entry {
  NemesisInfo info;
  json defaults;
  Factory make;
  bool packet = false;  // a packet fault: merged with the others of a composite
};

json merged(json defaults, const json& options) {
  if (options.is_object())
    for (auto& [k, v] : options.items()) defaults[k] = v;
  return defaults;
}

Factory partition() {
  return [](const json& o) { return std::make_unique<PartitionNemesis>(o); };
}
Factory packet(std::string name) {
  return [name](const json& o) { return std::make_unique<PacketNemesis>(name, PacketFault::from_json(o), o); };
}
Factory clock(std::string name) {
  return [name](const json& o) { return std::make_unique<ClockNemesis>(name, o); };
}
Factory disk_file(std::string name, DiskFileNemesis::Damage d) {
  return [name, d](const json& o) { return std::make_unique<DiskFileNemesis>(name, d, o); };
}
Factory process(ProcessNemesis::Action a) {
  return [a](const json& o) { return std::make_unique<ProcessNemesis>(a, o); };
}

const std::vector<Entry>& entries() {
  static const std::vector<Entry> e = {
      {{"partition", "a network partition with a random named grudge (iptables)"}, json::object(), partition()},
      {{"partition-halves", "the first half of the nodes cut off from the second"}, {{"grudge", "halves"}}, partition()},
      {{"partition-random-halves", "two random halves cut off from each other"}, {{"grudge", "random-halves"}}, partition()},
      {{"partition-one", "one random node isolated"}, {{"grudge", "one"}}, partition()},
      {{"partition-majorities-ring", "every node sees a different majority"}, {{"grudge", "majorities-ring"}}, partition()},
      {{"partition-bridge", "two halves joined by one node"}, {{"grudge", "bridge"}}, partition()},
      {{"partition-primaries", "the nodes the system names as primary cut off from the rest"},
       {{"grudge", "primaries"}}, partition()},
      {{"loss", "drop 30% of packets (netem, or iptables' statistic match)"}, {{"loss", 30}}, packet("loss"), true},
      {{"delay", "delay packets 50 ms ± 10 ms (netem, or fl-shaper on NFQUEUE)"}, {{"delay_ms", 50}, {"jitter_ms", 10}}, packet("delay"), true},
      {{"duplicate", "duplicate 5% of packets (netem, or fl-shaper on NFQUEUE)"}, {{"duplicate", 5}}, packet("duplicate"), true},
      {{"reorder", "send 25% of packets at once, the rest 10 ms late (netem, or fl-shaper on NFQUEUE)"}, {{"reorder", 25}, {"delay_ms", 10}}, packet("reorder"), true},
      {{"corrupt", "flip a bit in 5% of packets (netem, or fl-shaper on NFQUEUE)"}, {{"corrupt", 5}}, packet("corrupt"), true},
      {{"rate", "limit every node to 1 mbit/s (tbf)"}, {{"rate", "1mbit"}}, packet("rate"), true},
      {{"clock", "skew every node's clock by up to ±5 s (libfaketime)"}, {{"mode", "skew"}}, clock("clock")},
      {{"clock-bump", "jump one node's clock by 60 s"}, {{"mode", "bump"}, {"offset_s", 60}}, clock("clock-bump")},
      {{"clock-bump-majority", "jump a majority of the nodes' clocks ahead by 5 s"},
       {{"mode", "bump"}, {"offset_s", 5}, {"target", "majority"}},
       clock("clock-bump-majority")},
      {{"clock-strobe", "flip one node's clock by 10 s every 200 ms"},
       {{"mode", "strobe"}, {"offset_s", 10}, {"interval_ms", 200}},
       clock("clock-strobe")},
      {{"kill", "SIGKILL a random node's daemon, restart it on heal"}, {{"target", "one"}}, process(ProcessNemesis::Action::kKill)},
      {{"kill-primaries", "SIGKILL the daemons of the nodes the system names as primary (a leader, a coordinator), "
                          "restart them on heal"},
       {{"target", "primaries"}},
       process(ProcessNemesis::Action::kKill)},
      {{"kill-majority", "SIGKILL the daemons of a majority of the nodes at once, restart them on heal"},
       {{"target", "majority"}},
       process(ProcessNemesis::Action::kKill)},
      {{"kill-majority-pause-rest", "SIGKILL a majority of the nodes, the leader (primaries) among them, and restart "
                                    "them at once, while the other nodes stay SIGSTOPped until heal"},
       json::object(),
       [](const json&) { return std::make_unique<KillMajorityPauseRest>(); }},
      {{"pause", "SIGSTOP a random node's daemon, SIGCONT on heal"}, {{"target", "one"}}, process(ProcessNemesis::Action::kPause)},
      {{"lose-unfsynced", "cut a random node's power: SIGKILL its daemon, lose every write its data directory never "
                          "fsynced (fl-diskfs), restart it on heal"},
       {{"target", "one"}},
       [](const json& o) { return std::make_unique<PowerLossNemesis>("lose-unfsynced", o); }},
      {{"torn-write", "lose-unfsynced, but the newest write keeps its first 4096 bytes (a torn write)"},
       {{"target", "one"}, {"keep", 4096}},
       [](const json& o) { return std::make_unique<PowerLossNemesis>("torn-write", o); }},
      {{"disk-corrupt", "crash a random node and flip bits in 64 bytes of one of its data files, restart it on heal"},
       {{"target", "one"}, {"bytes", 64}},
       disk_file("disk-corrupt", DiskFileNemesis::Damage::kCorrupt)},
      {{"disk-truncate", "crash a random node and cut one of its data files short, restart it on heal"},
       {{"target", "one"}},
       disk_file("disk-truncate", DiskFileNemesis::Damage::kTruncate)},
      {{"disk-rollback", "crash a random node and put its data files back to the copy taken at the previous heal, "
                         "restart it on heal"},
       {{"target", "one"}},
       disk_file("disk-rollback", DiskFileNemesis::Damage::kRollback)},
  };
  return e;
}


const Entry* find_entry(std::string_view name) {
  for (const auto& e : entries())
    if (e.info.name == name) return &e;
  return nullptr;
}

// "partition+delay+duplicate": the named faults at once. The packet faults
// among them become one PacketNemesis (one shaper or qdisc per node), whose
// parameters are their defaults merged — on a clash the part named first
// wins, so "delay+reorder" keeps delay's 50 ms — then `options`.
std::unique_ptr<Nemesis> make_composite(std::string_view name, const json& options) {
  std::vector<std::unique_ptr<Nemesis>> parts;
  json packet_defaults = json::object();
  std::string packet_name;
  size_t packet_at = 0;
  size_t from = 0;
  while (from <= name.size()) {
    size_t plus = std::min(name.find('+', from), name.size());
    const Entry* e = find_entry(name.substr(from, plus - from));
    if (!e) return nullptr;
    if (e->packet) {
      if (packet_name.empty()) packet_at = parts.size();
      packet_name += (packet_name.empty() ? "" : "+") + e->info.name;
      for (auto& [k, v] : e->defaults.items())
        if (!packet_defaults.contains(k)) packet_defaults[k] = v;
    } else {
      parts.push_back(e->make(merged(e->defaults, options)));
    }
    from = plus + 1;
  }
  if (!packet_name.empty()) {
    json o = merged(packet_defaults, options);
    parts.insert(parts.begin() + static_cast<std::ptrdiff_t>(packet_at),
                 std::make_unique<PacketNemesis>(packet_name, PacketFault::from_json(o), o));
  }
  if (parts.size() == 1) return std::move(parts.front());  // packet faults alone: one nemesis
  return std::make_unique<CompositeNemesis>(std::string(name), std::move(parts));
}

}  // namespace

std::vector<NemesisInfo> list_nemeses() {
  std::vector<NemesisInfo> v;
  for (const auto& e : entries()) v.push_back(e.info);
  return v;
}

std::unique_ptr<Nemesis> make_nemesis(std::string_view name, const nlohmann::json& options) {
  if (name.find('+') != std::string_view::npos) return make_composite(name, options);
  if (const Entry* e = find_entry(name)) return e->make(merged(e->defaults, options));
  return nullptr;
}

}  // namespace fl
