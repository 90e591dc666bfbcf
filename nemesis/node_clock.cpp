#include "nemesis/node_clock.h"

#include <fmt/format.h>

#include "cluster/faketime.h"
#include "cluster/namespace_host.h"

namespace fl {
namespace {

class FaketimeClock : public NodeClock {
 public:
  void set_offset(Host& host, double seconds) override { write_clock_offset(host, seconds); }
  double offset(Host& host) override { return read_clock_offset(host); }
  std::string mechanism() const override { return "libfaketime"; }
};

}  // namespace

std::unique_ptr<NodeClock> clock_for(Host& host) {
  if (dynamic_cast<NamespaceHost*>(&host)) return std::make_unique<FaketimeClock>();
  throw ClusterError(fmt::format("clock faults on {} are not supported yet: only local namespace nodes (libfaketime)",
                                 host.name()));
}

}  // namespace fl
