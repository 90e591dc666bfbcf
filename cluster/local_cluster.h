// LocalCluster: N nodes on this machine, each a network namespace fl-nI with
// one veth (fl-vI in the root namespace, plugged into bridge fl-br0) and an
// address in a private /24. The harness, in the root namespace, reaches every
// node. Everything created is journaled (under /run/faultline/) *before* it
// is created, so down() removes exactly what faultline made — also after a
// crash — and nothing else. Needs root: up()/down() throw ClusterError
// otherwise (callers turn "not root" into exit 64).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cluster/host.h"

namespace fl {

struct ClusterSpec {
  int nodes = 3;
  std::string subnet = "10.213.77.0/24";  // node I gets .(10+I), the bridge .1
};

class LocalCluster {
 public:
  // Creates the cluster. Refuses, with the command that fixes it, if a
  // previous faultline cluster is still present.
  static std::unique_ptr<LocalCluster> up(const ClusterSpec& spec);
  // The cluster recorded in the journal, if one is up.
  static std::unique_ptr<LocalCluster> existing();
  // Removes every namespace, link and daemon the journal records. Safe to
  // call twice and when nothing is up. Returns what it removed (for humans).
  static std::vector<std::string> down();

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
