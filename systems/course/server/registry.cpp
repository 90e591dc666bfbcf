// The design registry: one line per design — its name, one sentence, its
// flags (what `fl-course --help` lists and what a run may give), its factory.
#include "design.h"

namespace course {

std::unique_ptr<Design> make_single(Node& node);

const std::vector<DesignInfo>& designs() {
  static const std::vector<DesignInfo> v = {
      {"single", "one node holds the data; the others forward to it", {}, make_single},
  };
  return v;
}

const DesignInfo* find_design(const std::string& name) {
  for (const DesignInfo& d : designs())
    if (d.name == name) return &d;
  return nullptr;
}

}  // namespace course
