// The nemesis registry: one line per nemesis.
#include <fmt/format.h>

#include "nemesis/nemesis.h"

namespace fl {

std::vector<NemesisInfo> list_nemeses() { return {}; }

std::unique_ptr<Nemesis> make_nemesis(std::string_view name, const nlohmann::json&) {
  throw ClusterError(fmt::format("unknown nemesis \"{}\"", name));
}

}  // namespace fl
