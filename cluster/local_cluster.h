// LocalCluster: N nodes on this machine, each a network namespace fl-nI with
// one veth (fl-vI in the root namespace, plugged into bridge fl-br0) and an
// address in a private /24. The harness, in the root namespace, reaches every
// node. Everything created is journaled (under /run/faultline/) *before* it
// is created, so down() removes exactly what faultline made — also after a
// crash — and nothing else. The journal also names the cluster's owner (the
// process that made it, see owner.h): down() refuses to take a cluster from
// an owner that still runs unless forced. Needs root. Everything the machine
// itself stands in the way of (not root, a subnet in use, a cluster already
// up) is an EnvironmentError, thrown before anything is created.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cluster/host.h"
#include "cluster/owner.h"

namespace fl {

struct ClusterSpec {
  int nodes = 3;
  std::string subnet = "10.213.77.0/24";  // node I gets .(10+I), the bridge .1
};

class LocalCluster {
 public:
  // Creates the cluster, owned by this process. Refuses (EnvironmentError,
  // naming the fix) if a faultline cluster is present or the subnet is in use.
  static std::unique_ptr<LocalCluster> up(const ClusterSpec& spec);
  // The cluster recorded in the journal, if one is up.
  static std::unique_ptr<LocalCluster> existing();
  // Removes every namespace, link and daemon the journal records. Safe to
  // call twice and when nothing is up. Refuses (EnvironmentError, naming the
  // owner) a cluster whose owner is another process that still runs, unless
  // `force`. Returns what it removed (for humans).
  static std::vector<std::string> down(bool force = false);

  // The owner the journal records, if a cluster is journaled and says.
  static std::optional<ClusterOwner> owner();
  // Throws EnvironmentError naming the owner when the journaled cluster
  // belongs to another process that still runs and `force` is false;
  // `doing` says what was refused ("remove it", "heal its faults").
  static void refuse_live_owner(const std::string& doing, bool force);
  // Throws EnvironmentError, naming its owner and the command that clears
  // it, if any faultline cluster (journaled, or a bridge fl-br0) is present.
  static void refuse_if_present();
  // Throws EnvironmentError if `subnet` is malformed or any address or route
  // of this machine falls inside it.
  static void refuse_used_subnet(const std::string& subnet);

  const ClusterSpec& spec() const { return spec_; }
  std::vector<Host*> hosts();
  Host* host(const std::string& name);  // "n1" … ; nullptr if none

  ~LocalCluster();
  LocalCluster(const LocalCluster&) = delete;
  LocalCluster& operator=(const LocalCluster&) = delete;

 private:
  LocalCluster(ClusterSpec spec, std::vector<std::unique_ptr<Host>> hosts);
  ClusterSpec spec_;
  std::vector<std::unique_ptr<Host>> hosts_;
};

// True when the process can create namespaces (effective uid 0).
bool running_as_root();

}  // namespace fl
