// UTF-8 validity, as JSON requires of every string: the readers refuse
// (BadInput) any string, keyword or name that is not valid UTF-8, so nothing
// downstream — results.json, the report, the JSONL writer — meets bytes it
// cannot serialize.
#pragma once

#include <string_view>

namespace fl {

// False for stray continuation bytes, truncated sequences, overlong forms,
// surrogates and code points past U+10FFFF.
bool valid_utf8(std::string_view s);

}  // namespace fl
