#include "harness/option_word.h"

#include <fmt/format.h>

#include "harness/commands.h"

namespace fl {

std::pair<std::string, nlohmann::json> parse_option_word(const std::string& word, const std::string& flag) {
  auto eq = word.find('=');
  std::string key = word.substr(0, eq);
  if (key.empty()) throw UsageError(fmt::format("{} {} needs a name before the =", flag, word));
  if (eq == std::string::npos) return {key, true};
  std::string text = word.substr(eq + 1);
  nlohmann::json value = nlohmann::json::parse(text, nullptr, false);
  if (value.is_discarded()) value = text;
  return {key, value};
}

}  // namespace fl
