// PartitionNemesis: a network partition shaped by a grudge (grudge.h),
// installed with iptables in every node's namespace (firewall.h) after the
// journal records it; stop() removes the FL-PARTITION chain and nothing else.
// Options: {"grudge": "halves" | … | "primaries" | {"n1": ["n2"], …}};
// without one, each start picks a named grudge at random. "primaries" cuts
// off the nodes the Db names as primaries (Db::primaries) from the rest.
#pragma once

#include <string>

#include "nemesis/nemesis.h"

namespace fl {

class PartitionNemesis : public Nemesis {
 public:
  explicit PartitionNemesis(nlohmann::json options = {});
  std::string name() const override { return "partition"; }
  NemesisEvent start(NemesisContext& ctx) override;
  NemesisEvent stop(NemesisContext& ctx) override;
  std::string unavailable(const Db* db) const override;

 private:
  nlohmann::json grudge_option_;
  std::string journal_id_;
};

}  // namespace fl
