// CompositeNemesis: several faults at once, named with "+" ("partition+delay",
// "kill+clock"): start() applies its parts in order and stop() undoes them in
// the reverse order. A part that cannot start undoes the parts started before
// it, so a failed start leaves nothing on. The events' values hold each
// part's own under "parts", with the fields the runner reads ("shaper",
// "problem", "error") lifted to the top. Packet faults among the parts are
// merged into one PacketNemesis by the registry, since they share one shaper
// or qdisc per node.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "nemesis/nemesis.h"

namespace fl {

class CompositeNemesis : public Nemesis {
 public:
  CompositeNemesis(std::string name, std::vector<std::unique_ptr<Nemesis>> parts);
  std::string name() const override { return name_; }
  NemesisEvent start(NemesisContext& ctx) override;
  NemesisEvent stop(NemesisContext& ctx) override;
  std::string unavailable(const Db* db) const override;
  bool needs_data_mount() const override;
  long data_mount_writeback_ms() const override;  // the longest any part asks

 private:
  std::string name_;
  std::vector<std::unique_ptr<Nemesis>> parts_;
  size_t started_ = 0;  // parts_[0, started_) are on
};

}  // namespace fl
