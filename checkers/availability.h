// Maelstrom's --availability: the share of client operations that must
// succeed for a run to be valid. The target is "total" (every op ok) or a
// fraction in [0, 1]; the `availability` checker reads it from
// CheckOptions::params["availability"] as the number parse_availability gives.
#pragma once

#include <string>

namespace fl {

// "total" → 1; "0.9" → 0.9. Throws std::invalid_argument with one sentence
// for anything else (a word, a number outside [0, 1], nan).
double parse_availability(const std::string& text);

}  // namespace fl
