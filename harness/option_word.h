// Option words: how `--opt K=V` (and any other K=V flag) becomes a JSON
// field. V is read as JSON when it is JSON (1, 2.5, true, null, [1,2],
// {"a":1}), and as a string otherwise; a bare K means true. Pure.
#pragma once

#include <string>
#include <utility>

#include <nlohmann/json.hpp>

namespace fl {

// Throws UsageError naming `flag` when the key is empty.
std::pair<std::string, nlohmann::json> parse_option_word(const std::string& word, const std::string& flag);

}  // namespace fl
