// Grudge: who drops whose packets during a partition (Jepsen's term). For
// each node, the set of nodes whose packets it refuses. The named shapes
// follow Jepsen's nemesis: halves, random-halves, one (a random node cut off),
// majorities-ring (every node sees a majority, no two the same majority) and
// bridge (two halves joined by one node that sees both). Pure functions of
// the node names and an rng: no side effects.
#pragma once

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace fl {

using Grudge = std::map<std::string, std::set<std::string>>;

// The names make_grudge() accepts, in a fixed order.
const std::vector<std::string>& grudge_names();
// Builds a named grudge over `nodes`. Throws ClusterError on an unknown name.
Grudge make_grudge(const std::string& name, const std::vector<std::string>& nodes, std::mt19937_64& rng);

// Every node in one component drops every node outside it.
Grudge complete_grudge(const std::vector<std::vector<std::string>>& components);
// A custom grudge from JSON: {"n1": ["n2", "n3"], …}. Every name must be one
// of `nodes`; throws ClusterError naming the first that is not.
Grudge grudge_from_json(const nlohmann::json& j, const std::vector<std::string>& nodes);
nlohmann::json grudge_to_json(const Grudge& g);

}  // namespace fl
