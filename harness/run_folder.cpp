#include "harness/run_folder.h"

#include <fstream>

#include <fmt/format.h>

#include "history/error.h"

namespace fl {

std::optional<Json> read_run_json(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::nullopt;
  std::ifstream in(path);
  if (!in) throw BadInput(path.string(), 0, "cannot be read");
  Json j;
  try {
    j = Json::parse(in);
  } catch (const Json::parse_error& e) {
    throw BadInput(path.string(), 0, fmt::format("is not valid JSON ({})", e.what()));
  }
  if (!j.is_object()) throw BadInput(path.string(), 0, "must hold one JSON object, as faultline writes it");
  return j;
}

}  // namespace fl
