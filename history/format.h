// Reading a history from a file in any supported format. `Format::Auto`
// decides by content (first non-blank, non-comment characters), never by the
// file extension. Every reader streams its input and throws BadInput with
// file:line on bad data; a file that cannot be opened is BadInput at line 0.
#pragma once

#include <istream>
#include <optional>
#include <string>
#include <string_view>

#include "history/history.h"

namespace fl {

enum class Format { Auto, Jsonl, JsonArray, Edn, JepsenLog };

std::optional<Format> parse_format(std::string_view s);  // auto|jsonl|json|edn|porcupine|jepsen-log
std::string_view to_string(Format f);

// Sniffs the format from the beginning of a stream without consuming it.
Format detect_format(std::istream& in);

History read_history(const std::string& path, Format format = Format::Auto);
History read_history(std::istream& in, const std::string& source, Format format);

}  // namespace fl
