// PacketNemesis: packet faults on every node's interface — loss, delay with
// jitter, duplication, reordering, corruption, rate limits (traffic.h). Where
// the kernel has no netem, loss falls back to iptables' statistic match and
// delay, reorder, duplicate and corrupt to fl-shaper on NFQUEUE
// (nfqueue_shaper.h); the start event's "shaper" names which one ran, and the
// stop event carries the shaper's counters and, in "problem", any fault of its own.
#pragma once

#include <string>

#include "nemesis/nemesis.h"
#include "nemesis/traffic.h"

namespace fl {

class PacketNemesis : public Nemesis {
 public:
  PacketNemesis(std::string name, PacketFault fault);
  std::string name() const override { return name_; }
  NemesisEvent start(NemesisContext& ctx) override;
  NemesisEvent stop(NemesisContext& ctx) override;
  std::string unavailable(const Db* db) const override { return packet_fault_unavailable(name_, fault_); }

 private:
  std::string name_;
  PacketFault fault_;
  std::vector<std::string> journal_ids_;
};

}  // namespace fl
