// Shrinking a failing run (delta debugging, Zeller & Hildebrandt 2002): from
// a run's settings (its test.json) try smaller ones — fewer fault phases
// (ddmin over --schedule), shorter phases, fewer faults in --nemesis, a
// shorter run, fewer clients, fewer keys — and keep a cut only when every one
// of `runs` repeated runs with it still fails. The runs are the caller's (a
// function from settings to "failed or not"), so the search is the same
// whether the command runs each candidate as a real `faultline test` or a test
// feeds it a predicate. Deterministic: the same answers give the same steps.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace fl {

// One try of one candidate: did the run fail (invalid)? `note` may carry why
// it did not (an error, a refusal) for the step's record.
struct TrialResult {
  bool failed = false;
  std::string note;
};
using TryRun = std::function<TrialResult(const nlohmann::json& settings)>;

struct ShrinkStep {
  std::string change;     // "drop phases 3-4 of 4", "time-limit 16 s → 8 s", …
  nlohmann::json settings;
  int tried = 0;          // runs made (stops at the first that does not fail)
  int failed = 0;         // of them, failed
  bool kept = false;      // failed every one of `runs`: the new smallest
  std::string note;       // why the last run did not fail, when it did not
};

struct ShrinkOptions {
  int runs = 3;           // a cut is kept when it fails this many times in a row
  int max_trials = 200;   // candidate settings tried at most (each up to `runs` runs)
};

struct ShrinkOutcome {
  nlohmann::json smallest;        // the smallest settings that failed `runs` of `runs`
  std::vector<ShrinkStep> steps;  // every candidate, in order
  bool exhausted = false;         // stopped at max_trials, not at a fixpoint
};

// The fault phases of a schedule (every phase but "quiet").
int schedule_faults(const nlohmann::json& settings);

// Shrinks `settings` (which the caller found failing). `on_step` sees each
// step as it ends (for a progress line). Stops early when `stop()` says so.
ShrinkOutcome shrink_settings(const nlohmann::json& settings, const ShrinkOptions& options, const TryRun& try_run,
                              const std::function<void(const ShrinkStep&)>& on_step = {},
                              const std::function<bool()>& stop = {});

}  // namespace fl
