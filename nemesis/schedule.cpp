// NemesisSchedule (see schedule.h): Jepsen's nemesis generator as a loop —
// sleep, start a randomly chosen fault, sleep, stop it — with every start and
// stop recorded, and a final heal however the loop ends.
#include "nemesis/schedule.h"

#include <chrono>
#include <mutex>
#include <thread>

#include <fmt/format.h>

namespace fl {

struct NemesisSchedule::Impl {
  NemesisContext ctx;
  ScheduleOptions opts;
  NemesisRecorder record;
  std::mt19937_64 rng;
  std::vector<std::unique_ptr<Nemesis>> nemeses;
  std::mutex mu;             // start/stop/heal may race with a Ctrl-C heal
  Nemesis* active = nullptr;

  void emit(const NemesisEvent& e) {
    if (record) record(e);
  }

  // Sleeps up to `seconds`, returning early (false) once `stop` is set.
  static bool wait(double seconds, const std::atomic<bool>& stop) {
    auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < until) {
      if (stop.load()) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return !stop.load();
  }

  void start_one() {
    std::lock_guard<std::mutex> lock(mu);
    if (active || nemeses.empty()) return;
    std::uniform_int_distribution<size_t> pick(0, nemeses.size() - 1);
    Nemesis* n = nemeses[pick(rng)].get();
    active = n;  // before start: a fault half-applied must still be stopped
    try {
      emit(n->start(ctx));
    } catch (const std::exception& e) {
      emit({"start-" + n->name(), {{"error", e.what()}}});
    }
  }

  void stop_active() noexcept {
    std::lock_guard<std::mutex> lock(mu);
    if (!active) return;
    Nemesis* n = active;
    active = nullptr;
    try {
      emit(n->stop(ctx));
    } catch (const std::exception& e) {
      try {
        emit({"stop-" + n->name(), {{"error", e.what()}}});
      } catch (...) {
      }
    }
  }
};

NemesisSchedule::NemesisSchedule(NemesisContext ctx, ScheduleOptions opts, NemesisRecorder record)
    : impl_(std::make_unique<Impl>()) {
  impl_->ctx = ctx;
  impl_->opts = std::move(opts);
  impl_->record = std::move(record);
  impl_->rng.seed(impl_->opts.seed);
  if (!impl_->ctx.rng) impl_->ctx.rng = &impl_->rng;
  if (impl_->opts.interval_s <= 0) throw ClusterError("--nemesis-interval must be positive");
  for (const auto& f : impl_->opts.faults) {
    // Refuse up front rather than record a failed start every interval.
    auto n = make_nemesis(f);
    if (std::string why = n->unavailable(ctx.db); !why.empty()) throw EnvironmentError(why);
    impl_->nemeses.push_back(std::move(n));
  }
}

NemesisSchedule::~NemesisSchedule() { heal_all(); }

void NemesisSchedule::run(const std::atomic<bool>& stop) {
  while (true) {
    if (!Impl::wait(impl_->opts.interval_s, stop)) break;
    impl_->start_one();
    if (!Impl::wait(impl_->opts.interval_s, stop)) break;
    impl_->stop_active();
  }
  heal_all();
}

void NemesisSchedule::heal_all() noexcept { impl_->stop_active(); }

}  // namespace fl
