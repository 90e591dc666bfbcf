// Escaping for the report's HTML. A history is untrusted input: every string
// that came from it reaches the page only through html_text() (element text
// and quoted attribute values) or inside the page's JSON data block through
// script_json(), which can neither close its <script> element nor start a
// comment. The page's script then puts such strings into the DOM with
// textContent only, never as markup.
#pragma once

#include <string>
#include <string_view>

#include "history/op.h"

namespace fl {

// & < > " ' escaped; invalid UTF-8 bytes become U+FFFD.
std::string html_text(std::string_view s);
// Compact JSON for <script type="application/json">: '<', '>', '&' and the
// line separators U+2028 / U+2029 written as \u escapes; invalid UTF-8 in a
// string becomes U+FFFD instead of failing.
std::string script_json(const Json& j);
// One string as a JSON string literal, escaped as script_json() escapes.
std::string script_json_string(std::string_view s);
// A JSON value as one short line of text (compact, invalid UTF-8 replaced),
// cut to at most `max` bytes on a character boundary with "…" appended.
std::string short_json(const Json& v, std::size_t max = 120);
// A path percent-encoded for a URL (letters, digits, / . - _ ~ kept).
std::string url_path(std::string_view path);
// Standard base64 (RFC 4648, padded).
std::string base64(const void* data, std::size_t n);
// Cuts s to at most `max` bytes on a UTF-8 character boundary, appending "…".
std::string clip(std::string s, std::size_t max);

}  // namespace fl
