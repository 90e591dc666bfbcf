// The JSONL reader's fast path: one op line of the common shape — ASCII,
// strings without escapes, integers of at most 18 digits, null, booleans, and
// arrays and objects of those — decoded in one pass straight into an Op, with
// no DOM and no copy of the line. It never decides an error: on anything it
// does not fully understand (or a line the rules refuse) it answers false and
// the general parser (nlohmann's, jsonl.cpp) decides, so every error sentence
// comes from one place. When it answers true, the op is exactly what the
// general parser would have built.
#pragma once

#include <cstdint>
#include <string_view>

#include "history/op.h"

namespace fl {

// Fills `op` (every field reset first; its line is set) from `line`. With
// `value_text` not null, a "value" that is not a string nor an integer is
// left undecoded: its text (a view into `line`, valid JSON) goes there and
// op.value stays null; otherwise it is set empty.
bool fast_jsonl_op(std::string_view line, std::int64_t line_no, Op& op, std::string_view* value_text);

// Decodes a text the fast path accepted as a value (a view it returned).
Json fast_json_value(std::string_view text);

}  // namespace fl
