// PacketNemesis: packet faults on every node's interface — loss, delay with
// jitter, duplication, reordering, corruption, rate limits (traffic.h). Loss
// falls back to iptables' statistic match where the kernel has no netem;
// the other netem faults then fail with a sentence naming sch_netem.
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
