// Targets: which nodes a process or clock fault hits, as Jepsen names them —
// one (a given node, or a random one), minority, majority, all.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "cluster/host.h"

namespace fl {

// `spec` is "one", "random", "minority", "majority", "all", a node name
// ("n2") or names ("n1,n3"). Throws ClusterError for anything else.
std::vector<Host*> choose_targets(const std::vector<Host*>& nodes, const std::string& spec, std::mt19937_64& rng);

}  // namespace fl
