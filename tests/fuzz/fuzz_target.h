// A fuzz target: one function that feeds arbitrary bytes to one entry point
// of faultline and returns normally for every input that entry point handles
// correctly. Refusing bad data with BadInput is handling it; anything else —
// another exception, a crash, a sanitizer report, a hang, a leak — is a
// finding. The FL_FUZZ=ON build runs every target under libFuzzer
// (`scripts/fuzz`, FL_FUZZ_TARGET=<name> fuzz_faultline), and the default
// ctest run replays each target's regression inputs, tests/data/fuzz/<name>/.
// Adding a reader is one line in registry.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace fl::fuzz {

using Entry = void (*)(std::string_view input);

struct Target {
  const char* name;   // FL_FUZZ_TARGET=<name>; tests/data/fuzz/<name>/ holds its regressions
  const char* seeds;  // formats of ../shared/corpus and tests/data it is seeded from, comma-separated
  Entry run;
};

const std::vector<Target>& targets();
const Target* find(std::string_view name);  // nullptr if unknown

// `faultline check` end to end: read (format sniffed), every checker with a
// small budget, the terminal summary and results.json (check_target.cpp).
void check_end_to_end(std::string_view input);

// Fails loudly (abort, so libFuzzer and ctest both see it) when a promise of
// faultline is broken on this input; `what` says which.
[[noreturn]] void broken(const char* what, std::string_view detail);

}  // namespace fl::fuzz
