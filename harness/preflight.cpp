#include "harness/preflight.h"

#include <fmt/format.h>

#include "cluster/local_cluster.h"
#include "cluster/process.h"
#include "harness/commands.h"
#include "nemesis/diskfs.h"
#include "nemesis/fault_journal.h"
#include "nemesis/nemesis.h"

namespace fl {

void preflight(const TestPlan& plan, System& system) {
  const TestOptions& o = plan.options;
  bool faults = !plan.faults.empty() || !plan.phases.empty();
  if (system.in_process()) {
    if (!o.ssh_hosts.empty())
      throw UsageError(fmt::format("system {} runs inside faultline; it has no use for --ssh hosts", o.system));
    if (faults) throw UsageError(fmt::format("system {} runs inside faultline; a nemesis has nothing to break", o.system));
    return;
  }
  auto refuse_journaled_faults = [] {
    auto journaled = journaled_faults();
    if (journaled.empty()) return;
    throw EnvironmentError(fmt::format("{} fault{} of an earlier run {} still journaled in {}; run `faultline heal` first",
                                       journaled.size(), journaled.size() == 1 ? "" : "s",
                                       journaled.size() == 1 ? "is" : "are", "/run/faultline/faults.json"));
  };
  if (!o.ssh_hosts.empty()) {
    refuse_journaled_faults();
    // The nodes are other machines: this one needs only the SSH client; what
    // the hosts lack shows when connecting (and names the host).
    if (find_program("ssh").empty())
      throw EnvironmentError("--ssh needs the OpenSSH client (ssh), which is not installed; install openssh-client "
                             "(scripts/setup)");
    // A disk fault needs a system whose data goes through fl-diskfs; what
    // the hosts lack for it (FUSE, fl-diskfs) shows once they are connected.
    for (const std::string& f : plan.faults)
      if (make_nemesis(f)->needs_data_mount())
        if (std::string why = diskfs_unavailable(f, &system.db(), false); !why.empty()) throw EnvironmentError(why);
    return;
  }
  if (!running_as_root())
    throw UsageError(fmt::format("testing {} needs root (network namespaces); run as root or use --system memory",
                                 o.system));
  if (find_program("ip").empty())
    throw EnvironmentError("the local cluster needs ip, which is not installed; install iproute2 (scripts/setup)");
  if (std::string why = system.db().unavailable(); !why.empty()) throw EnvironmentError(why);
  for (const std::string& f : plan.faults)
    if (std::string why = make_nemesis(f)->unavailable(&system.db()); !why.empty()) throw EnvironmentError(why);
  LocalCluster::refuse_if_present();
  refuse_journaled_faults();
  LocalCluster::refuse_used_subnet(o.subnet.empty() ? ClusterSpec{}.subnet : o.subnet);
}

}  // namespace fl
