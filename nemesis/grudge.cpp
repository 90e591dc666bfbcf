#include "nemesis/grudge.h"

#include <algorithm>

#include <fmt/format.h>

#include "cluster/host.h"

namespace fl {
namespace {

// Jepsen's split: the first floor(n/2) nodes, then the rest.
std::vector<std::vector<std::string>> halves(const std::vector<std::string>& nodes) {
  size_t cut = nodes.size() / 2;
  return {{nodes.begin(), nodes.begin() + static_cast<long>(cut)}, {nodes.begin() + static_cast<long>(cut), nodes.end()}};
}

// Node i sees the majority window i, i+1, …, i+m-1 (mod n) and drops the
// rest; shifting windows make every node's majority different.
Grudge majorities_ring(std::vector<std::string> nodes, std::mt19937_64& rng) {
  std::shuffle(nodes.begin(), nodes.end(), rng);
  size_t n = nodes.size(), m = n / 2 + 1;
  Grudge g;
  for (size_t i = 0; i < n; ++i) {
    std::set<std::string> sees;
    for (size_t k = 0; k < m; ++k) sees.insert(nodes[(i + n - m / 2 + k) % n]);
    for (const auto& other : nodes)
      if (!sees.count(other)) g[nodes[i]].insert(other);
  }
  return g;
}

// Two halves that drop each other, except one node in the middle both see.
Grudge bridge(std::vector<std::string> nodes, std::mt19937_64& rng) {
  std::shuffle(nodes.begin(), nodes.end(), rng);
  if (nodes.size() < 3) return complete_grudge(halves(nodes));
  size_t mid = nodes.size() / 2;
  std::string b = nodes[mid];
  std::vector<std::string> left(nodes.begin(), nodes.begin() + static_cast<long>(mid));
  std::vector<std::string> right(nodes.begin() + static_cast<long>(mid) + 1, nodes.end());
  Grudge g = complete_grudge({left, right});
  g.erase(b);
  return g;
}

}  // namespace

const std::vector<std::string>& grudge_names() {
  static const std::vector<std::string> names = {"halves", "random-halves", "one", "majorities-ring", "bridge"};
  return names;
}

Grudge complete_grudge(const std::vector<std::vector<std::string>>& components) {
  Grudge g;
  for (size_t a = 0; a < components.size(); ++a)
    for (size_t b = 0; b < components.size(); ++b)
      if (a != b)
        for (const auto& x : components[a])
          for (const auto& y : components[b]) g[x].insert(y);
  return g;
}

Grudge make_grudge(const std::string& name, const std::vector<std::string>& nodes, std::mt19937_64& rng) {
  if (name == "halves") return complete_grudge(halves(nodes));
  if (name == "random-halves") {
    auto shuffled = nodes;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    return complete_grudge(halves(shuffled));
  }
  if (name == "one") {
    if (nodes.empty()) return {};
    std::uniform_int_distribution<size_t> pick(0, nodes.size() - 1);
    std::string lone = nodes[pick(rng)];
    std::vector<std::string> rest;
    for (const auto& n : nodes)
      if (n != lone) rest.push_back(n);
    return complete_grudge({{lone}, rest});
  }
  if (name == "majorities-ring") return majorities_ring(nodes, rng);
  if (name == "bridge") return bridge(nodes, rng);
  std::string known;
  for (const auto& n : grudge_names()) known += (known.empty() ? "" : ", ") + n;
  throw ClusterError(fmt::format("unknown grudge \"{}\"; known: {}, or a JSON object", name, known));
}

Grudge grudge_from_json(const nlohmann::json& j, const std::vector<std::string>& nodes) {
  if (!j.is_object()) throw ClusterError("a custom grudge must be a JSON object such as {\"n1\": [\"n2\", \"n3\"]}");
  auto known = [&](const std::string& n) {
    if (std::find(nodes.begin(), nodes.end(), n) == nodes.end())
      throw ClusterError(fmt::format("the grudge names \"{}\", which is not a node of the cluster", n));
  };
  Grudge g;
  for (auto& [node, drops] : j.items()) {
    known(node);
    if (!drops.is_array()) throw ClusterError(fmt::format("the grudge of \"{}\" must be a list of node names", node));
    for (const auto& d : drops) {
      if (!d.is_string()) throw ClusterError(fmt::format("the grudge of \"{}\" must be a list of node names", node));
      known(d.get<std::string>());
      if (d.get<std::string>() != node) g[node].insert(d.get<std::string>());
    }
  }
  return g;
}

nlohmann::json grudge_to_json(const Grudge& g) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [node, drops] : g)
    if (!drops.empty()) j[node] = std::vector<std::string>(drops.begin(), drops.end());
  return j;
}

}  // namespace fl
