#include "checkers/fault_text.h"

#include <fmt/format.h>

namespace fl {

bool starts_fault(const Op& event) { return event.is_nemesis() && event.f.rfind("start", 0) == 0; }

std::string fault_text(const Op& event, const Json& value) {
  std::string nodes;
  if (value.is_object() && value.contains("nodes") && value["nodes"].is_array())
    for (const Json& n : value["nodes"])
      nodes += (nodes.empty() ? " on " : ", ") + (n.is_string() ? n.get<std::string>() : n.dump());
  std::string at = event.time >= 0 ? fmt::format(", at {:.3f} s", static_cast<double>(event.time) / 1e9) : "";
  return fmt::format("{}{} (op {}{})", event.f, nodes, event.index, at);
}

}  // namespace fl
