// TestPlan: one `faultline test` read and checked once, before anything
// exists: the options normalised (the nodes of --ssh, absolute key paths,
// the test name, the seed), every --schedule word read into its phase and
// every fault name known. The run, the preflight and test.json all read the
// plan; none of them reads a word again. Every refusal is a UsageError.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/runner.h"
#include "nemesis/schedule.h"

namespace fl {

struct TestPlan {
  TestOptions options;               // as test.json records them
  std::vector<NemesisPhase> phases;  // --schedule, in order
  std::vector<std::string> faults;   // every fault the run may start: --nemesis, then the phases'
};

// Throws UsageError naming what is wrong.
TestPlan plan_test(TestOptions options);

// A knob word, "KEY=VALUE" → {KEY, VALUE}, VALUE read as JSON when it parses
// as JSON, else as text; a bare "KEY" is true. `what` names where the word
// came from ("--opt"). Throws UsageError. The one reader of such words: the
// --opt and --workload-opt flags and a --schedule phase's options.
std::pair<std::string, nlohmann::json> parse_knob(const std::string& word, const std::string& what);

// A phase word: "20s partition-halves", "10s quiet", "15s kill target=n1",
// "5 partition grudge={\"n1\":[\"n2\"]}" (seconds, then the fault, then
// KEY=VALUE options read by parse_knob). Throws UsageError.
NemesisPhase parse_phase(const std::string& word);

}  // namespace fl
