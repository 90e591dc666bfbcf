// NemesisSchedule (see schedule.h): Jepsen's nemesis generator as a loop —
// sleep, start a randomly chosen fault, sleep, stop it — with every start and
// stop recorded, and a final heal however the loop ends.
#include "nemesis/schedule.h"

#include <algorithm>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

namespace fl {

struct NemesisSchedule::Impl {
  NemesisContext ctx;
  ScheduleOptions opts;
  NemesisRecorder record;
  std::mt19937_64 rng;
  std::vector<std::unique_ptr<Nemesis>> nemeses;
  std::vector<std::unique_ptr<Nemesis>> phase_nemeses;  // one per phase (null: quiet)
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

  // Sleeps until `t`, returning early (false) once `stop` is set.
  static bool wait_until(std::chrono::steady_clock::time_point t, const std::atomic<bool>& stop) {
    while (std::chrono::steady_clock::now() < t) {
      if (stop.load()) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return !stop.load();
  }

  void start_one() {
    if (nemeses.empty()) return;
    std::uniform_int_distribution<size_t> pick(0, nemeses.size() - 1);
    start(nemeses[pick(rng)].get());
  }

  void start(Nemesis* n) {
    std::lock_guard<std::mutex> lock(mu);
    if (active || !n) return;
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
  // Refuse up front rather than record a failed start every interval. What
  // this machine lacks (tc, libfaketime) does not matter to SSH hosts.
  bool all_remote = !ctx.nodes.empty() && std::all_of(ctx.nodes.begin(), ctx.nodes.end(), [](Host* h) { return h->remote(); });
  auto checked = [&](std::unique_ptr<Nemesis> n) {
    // The names come validated (the harness told the user of an unknown one).
    if (!n) throw std::logic_error("a nemesis schedule was given a fault no registry line holds");
    if (std::string why = all_remote ? "" : n->unavailable(ctx.db); !why.empty()) throw EnvironmentError(why);
    return n;
  };
  for (const auto& f : impl_->opts.faults) {
    impl_->nemeses.push_back(checked(make_nemesis(f)));
  }
  for (const auto& p : impl_->opts.phases) {
    if (!(p.seconds > 0)) throw ClusterError("every nemesis phase needs a positive length");
    impl_->phase_nemeses.push_back(p.fault.empty() ? nullptr : checked(make_nemesis(p.fault, p.options)));
  }
}

NemesisSchedule::~NemesisSchedule() { heal_all(); }

void NemesisSchedule::run(const std::atomic<bool>& stop) {
  if (!impl_->opts.phases.empty()) {
    auto t = std::chrono::steady_clock::now();
    do {
      for (size_t i = 0; i < impl_->opts.phases.size(); ++i) {
        impl_->start(impl_->phase_nemeses[i].get());
        t += std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::duration<double>(impl_->opts.phases[i].seconds));
        if (!Impl::wait_until(t, stop)) {
          heal_all();
          return;
        }
        impl_->stop_active();
      }
    } while (impl_->opts.repeat_phases);
    while (!stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    heal_all();
    return;
  }
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
