#include "nemesis/targets.h"

#include <algorithm>

#include <fmt/format.h>

namespace fl {

std::vector<Host*> choose_targets(const std::vector<Host*>& nodes, const std::string& spec, std::mt19937_64& rng) {
  for (Host* h : nodes)
    if (h->name() == spec) return {h};
  if (spec.find(',') != std::string::npos) {  // "n1,n3": exactly those nodes
    std::vector<Host*> named;
    size_t from = 0;
    while (from <= spec.size()) {
      size_t comma = std::min(spec.find(',', from), spec.size());
      std::string name = spec.substr(from, comma - from);
      auto it = std::find_if(nodes.begin(), nodes.end(), [&](Host* h) { return h->name() == name; });
      if (it == nodes.end()) throw ClusterError(fmt::format("the target \"{}\" names \"{}\", which is not a node of the cluster", spec, name));
      if (std::find(named.begin(), named.end(), *it) == named.end()) named.push_back(*it);
      from = comma + 1;
    }
    std::sort(named.begin(), named.end(), [](Host* a, Host* b) { return a->name() < b->name(); });
    return named;
  }
  std::vector<Host*> shuffled = nodes;
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  size_t n = nodes.size(), count;
  if (spec == "one" || spec == "random") count = n ? 1 : 0;
  else if (spec == "minority") count = n ? std::max<size_t>(1, (n - 1) / 2) : 0;
  else if (spec == "majority") count = n / 2 + 1 > n ? n : n / 2 + 1;
  else if (spec == "all") count = n;
  else
    throw ClusterError(fmt::format("unknown target \"{}\": use one, random, minority, majority, all, a node name or names (n1,n3)", spec));
  shuffled.resize(count);
  std::sort(shuffled.begin(), shuffled.end(), [](Host* a, Host* b) { return a->name() < b->name(); });
  return shuffled;
}

}  // namespace fl
