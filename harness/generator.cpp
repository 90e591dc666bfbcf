#include "harness/generator.h"

#include <algorithm>
#include <stdexcept>
#include <thread>

namespace fl {

Generator::Generator(Workload& workload, GeneratorOptions opts)
    : workload_(workload), opts_(opts), start_(Clock::now()) {
  if (opts_.time_limit_s < 0) throw std::invalid_argument("--time-limit must not be negative");
  if (opts_.ops_limit < 0) throw std::invalid_argument("--ops-limit must not be negative");
  if (opts_.rate < 0) throw std::invalid_argument("--rate must not be negative");
  if (opts_.workers < 1) throw std::invalid_argument("--concurrency must be at least 1");
}

void Generator::start() { start_ = Clock::now(); }

double Generator::elapsed_s() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

bool Generator::over() const {
  if (stopped_.load(std::memory_order_relaxed)) return true;
  if (opts_.time_limit_s > 0 && elapsed_s() >= opts_.time_limit_s) return true;
  if (opts_.ops_limit > 0 && issued_.load(std::memory_order_relaxed) >= opts_.ops_limit) return true;
  return false;
}

bool Generator::wait_until(Clock::time_point due) {
  constexpr auto kSlice = std::chrono::milliseconds(20);
  for (;;) {
    if (over()) return false;
    auto now = Clock::now();
    if (now >= due) return true;
    std::this_thread::sleep_for(std::min<Clock::duration>(due - now, kSlice));
  }
}

std::optional<OpSpec> Generator::next(WorkerPace& pace, std::mt19937_64& rng) {
  if (opts_.rate > 0) {
    // Each worker carries rate/workers of the load: one op per `gap` seconds
    // on average, the gap drawn from [0, 2·gap) when staggered.
    double gap = opts_.workers / opts_.rate;
    double d = gap;
    if (opts_.stagger) d = std::uniform_real_distribution<double>(0, 2 * gap)(rng);
    auto now = Clock::now();
    // A worker that fell behind (a slow op) does not burst to catch up.
    if (pace.next_due < now - std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(gap)))
      pace.next_due = now;
    pace.next_due += std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(d));
    if (!wait_until(pace.next_due)) return std::nullopt;
  } else if (over()) {
    return std::nullopt;
  }
  if (opts_.ops_limit > 0) {
    // Claim a slot first, so the limit is exact however many workers race.
    if (issued_.fetch_add(1) >= opts_.ops_limit) {
      issued_.fetch_sub(1);
      return std::nullopt;
    }
  } else {
    issued_.fetch_add(1, std::memory_order_relaxed);
  }
  return workload_.next(rng);
}

std::vector<OpSpec> Generator::final_ops() {
  if (final_taken_.exchange(true)) return {};
  return workload_.final_ops();
}

}  // namespace fl
