#include "harness/preflight.h"

#include <fmt/format.h>

#include "cluster/local_cluster.h"
#include "cluster/process.h"
#include "harness/commands.h"
#include "nemesis/fault_journal.h"
#include "nemesis/nemesis.h"

namespace fl {

void preflight(const TestOptions& o, System& system) {
  if (system.in_process()) {
    if (!o.nemesis.empty())
      throw UsageError(fmt::format("system {} runs inside faultline; a nemesis has nothing to break", o.system));
    return;
  }
  if (!running_as_root())
    throw UsageError(fmt::format("testing {} needs root (network namespaces); run as root or use --system memory",
                                 o.system));
  if (find_program("ip").empty())
    throw EnvironmentError("the local cluster needs ip, which is not installed; install iproute2 (scripts/setup)");
  if (std::string why = system.db().unavailable(); !why.empty()) throw EnvironmentError(why);
  for (const std::string& f : o.nemesis)
    if (std::string why = make_nemesis(f)->unavailable(&system.db()); !why.empty()) throw EnvironmentError(why);
  LocalCluster::refuse_if_present();
  if (auto faults = journaled_faults(); !faults.empty())
    throw EnvironmentError(fmt::format("{} fault{} of an earlier run {} still journaled in {}; run `faultline heal` first",
                                       faults.size(), faults.size() == 1 ? "" : "s",
                                       faults.size() == 1 ? "is" : "are", "/run/faultline/faults.json"));
  LocalCluster::refuse_used_subnet(o.subnet.empty() ? ClusterSpec{}.subnet : o.subnet);
}

}  // namespace fl
