// Generator: the engine that decides when each worker invokes its next op and
// when the main phase ends (Jepsen's generator, reduced to what the runner
// needs). The workload chooses *what* (its op mix); the engine adds *when*:
// a total --rate shared by the workers, optional stagger (a uniformly random
// gap in [0, 2/rate-per-worker) instead of a fixed one, so workers do not
// march in step), --time-limit, --ops-limit, and stop() for Ctrl-C. The final
// phase's ops come from the workload, handed out once.
// Thread-safety: next() is called by every worker at once.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <vector>

#include "workloads/workload.h"

namespace fl {

struct GeneratorOptions {
  double time_limit_s = 0;     // 0 = no time limit
  std::int64_t ops_limit = 0;  // 0 = no op limit
  double rate = 0;             // total ops/s over all workers; 0 = as fast as they can
  bool stagger = true;
  int workers = 1;
};

// A worker's own pacing state; one per worker thread.
struct WorkerPace {
  std::chrono::steady_clock::time_point next_due{};
};

class Generator {
 public:
  using Clock = std::chrono::steady_clock;
  // Throws std::invalid_argument on nonsense options (negative rate, …).
  Generator(Workload& workload, GeneratorOptions opts);

  // Starts the clock of --time-limit (the constructor starts it too).
  void start();
  // Blocks until the worker's next op is due and returns it; nullopt once the
  // main phase is over (time or op limit reached, or stop() called). Sleeps
  // in short slices so a stop is noticed within ~20 ms.
  std::optional<OpSpec> next(WorkerPace& pace, std::mt19937_64& rng);
  // Tells the workload how an op of the main phase came back (a workload
  // may draw later ops from what was seen; see Workload::completed).
  void completed(const OpSpec& op, const Completion& c) { workload_.completed(op, c); }
  // Ends the main phase now.
  void stop() { stopped_.store(true); }
  bool over() const;
  // Ops handed out so far in the main phase.
  std::int64_t issued() const { return issued_.load(); }
  double elapsed_s() const;
  // The workload's final ops (after heal and quiet period), once.
  std::vector<OpSpec> final_ops();

 private:
  bool wait_until(Clock::time_point due);
  Workload& workload_;
  GeneratorOptions opts_;
  Clock::time_point start_;
  std::atomic<bool> stopped_{false};
  std::atomic<std::int64_t> issued_{0};
  std::atomic<bool> final_taken_{false};
};

}  // namespace fl
