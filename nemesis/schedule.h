// NemesisSchedule: the nemesis as one more worker of the runner (Jepsen's
// nemesis generator). It alternates fault and heal every `interval` seconds,
// choosing among the named faults with a seeded rng — or, given phases, runs
// them in order at the times they say (each phase's fault starts when the
// phase begins and stops when it ends; phase times are measured from the
// start of run(), so they do not drift) — reports every start and
// stop through `record` (the runner writes them to the history as process
// "nemesis"), and always ends healed: heal_all() undoes whatever is active,
// and is also what the runner calls on Ctrl-C and on exceptions.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "nemesis/nemesis.h"

namespace fl {

// One phase of a schedule: `fault` for `seconds` ("" = quiet), with the
// nemesis's own options (e.g. {"target": "n1"}). The harness reads phases
// from the command line (harness/test_plan.h).
struct NemesisPhase {
  double seconds = 0;
  std::string fault;
  nlohmann::json options = nlohmann::json::object();
};

struct ScheduleOptions {
  std::vector<std::string> faults;  // nemesis names, e.g. {"partition", "kill"}
  double interval_s = 10;           // seconds between a start and its stop, and between faults
  std::uint64_t seed = 0;
  std::vector<NemesisPhase> phases; // if any: run these instead of `faults`
  bool repeat_phases = false;       // after the last phase, start again from the first
};

using NemesisRecorder = std::function<void(const NemesisEvent&)>;

class NemesisSchedule {
 public:
  // The fault names come checked (the harness names an unknown one to the
  // user); throws EnvironmentError for a fault this machine cannot apply.
  NemesisSchedule(NemesisContext ctx, ScheduleOptions opts, NemesisRecorder record);
  ~NemesisSchedule();  // heals whatever is still active

  // Runs the fault/heal rhythm until `stop` becomes true (checked often), then
  // heals what is active. Call from the nemesis thread.
  void run(const std::atomic<bool>& stop);
  // Undoes every active fault, recording the stops. Safe to call twice.
  void heal_all() noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fl
