#include "nemesis/targets.h"

#include <algorithm>

#include <fmt/format.h>

namespace fl {

std::vector<Host*> choose_targets(const std::vector<Host*>& nodes, const std::string& spec, std::mt19937_64& rng) {
  for (Host* h : nodes)
    if (h->name() == spec) return {h};
  std::vector<Host*> shuffled = nodes;
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  size_t n = nodes.size(), count;
  if (spec == "one" || spec == "random") count = n ? 1 : 0;
  else if (spec == "minority") count = n ? std::max<size_t>(1, (n - 1) / 2) : 0;
  else if (spec == "majority") count = n / 2 + 1 > n ? n : n / 2 + 1;
  else if (spec == "all") count = n;
  else
    throw ClusterError(fmt::format("unknown target \"{}\": use one, random, minority, majority, all or a node name", spec));
  shuffled.resize(count);
  std::sort(shuffled.begin(), shuffled.end(), [](Host* a, Host* b) { return a->name() < b->name(); });
  return shuffled;
}

}  // namespace fl
