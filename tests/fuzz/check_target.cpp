// `faultline check` end to end on arbitrary bytes, as cmd_check.cpp does it:
// sniff and read, run every checker (the linearizable one once per model),
// summarize for the terminal, serialize results.json. Budgets are small so a
// slow input costs the fuzzer little; running out of one gives `unknown`,
// which is a correct answer. BadInput is the only acceptable refusal.
#include <sstream>
#include <string>

#include "checkers/registry.h"
#include "fuzz_target.h"
#include "harness/results.h"
#include "history/error.h"
#include "history/format.h"

namespace fl::fuzz {

void check_end_to_end(std::string_view input) {
  std::istringstream in{std::string(input)};
  History h;
  try {
    h = read_history(in, "fuzz-input", Format::Auto);
  } catch (const BadInput&) {
    return;
  }
  CheckOptions opts;
  opts.time_limit_s = 0.2;
  opts.memory_limit_mb = 256;
  opts.threads = 1;
  std::vector<const Checker*> runs = all_checkers();
  const Checker* linear = find_checker("linearizable");
  for (const RegistryEntry& model : list_models()) {
    CheckOptions by_model = opts;
    by_model.model = model.name;
    try {
      FileResults fr = run_checkers(h, {linear}, by_model);
      (void)summarize("fuzz-input", h, fr);
      (void)fr.file.to_json().dump(2);
    } catch (const BadInput&) {
      // The history does not fit this model (a cas on a mutex): refused with file:line.
    }
  }
  for (const Checker* c : runs) {
    if (c == linear) continue;
    try {
      FileResults fr = run_checkers(h, {c}, opts);
      (void)summarize("fuzz-input", h, fr);
      (void)fr.file.to_json().dump(2);
    } catch (const BadInput&) {
    }
  }
}

}  // namespace fl::fuzz
