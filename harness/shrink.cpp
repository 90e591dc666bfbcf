#include "harness/shrink.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "harness/test_plan.h"

namespace fl {

using Json = nlohmann::json;

namespace {

std::vector<std::string> phases_of(const Json& s) {
  std::vector<std::string> out;
  if (s.contains("schedule") && s["schedule"].is_array())
    for (const Json& p : s["schedule"]) out.push_back(p.get<std::string>());
  return out;
}

bool is_quiet(const std::string& phase) { return parse_phase(phase).fault.empty(); }  // parse_phase: quiet = no fault

// The phase with its length replaced (the first word), options kept verbatim.
std::string with_seconds(const std::string& phase, double seconds) {
  auto space = phase.find(' ');
  return fmt::format("{:g}s{}", seconds, space == std::string::npos ? "" : phase.substr(space));
}

std::string describe_range(std::size_t from, std::size_t to, std::size_t of) {
  return from + 1 == to ? fmt::format("phase {} of {}", from + 1, of) : fmt::format("phases {}-{} of {}", from + 1, to, of);
}

class Shrinker {
 public:
  Shrinker(const Json& settings, const ShrinkOptions& o, const TryRun& t, const std::function<void(const ShrinkStep&)>& on,
           const std::function<bool()>& stop)
      : opts_(o), try_run_(t), on_step_(on), stop_(stop) {
    out_.smallest = settings;
  }

  ShrinkOutcome run() {
    shrink_schedule();
    shorten_phases();
    drop_nemesis_faults();
    halve_number("time_limit", "time-limit", 1, " s");
    halve_number("concurrency", "concurrency", 1, "");
    halve_keys();
    return std::move(out_);
  }

 private:
  bool done() {
    if (stop_ && stop_()) return true;
    if (!out_.broken.empty()) return true;
    if (trials_ >= opts_.max_trials) {
      out_.exhausted = true;
      return true;
    }
    return false;
  }

  // Runs the candidate up to opts_.runs times; keeps it when every run failed.
  bool attempt(const std::string& change, const Json& candidate) {
    if (done()) return false;
    ++trials_;
    ShrinkStep step;
    step.change = change;
    step.settings = candidate;
    for (int i = 0; i < opts_.runs; ++i) {
      if (stop_ && stop_()) break;
      TrialResult r = try_run_(candidate);
      ++step.tried;
      if (r.broken) out_.broken = r.note;
      if (!r.failed) {
        step.note = r.note;
        break;
      }
      ++step.failed;
    }
    step.kept = step.failed == opts_.runs;
    if (step.kept) out_.smallest = candidate;
    if (on_step_) on_step_(step);
    out_.steps.push_back(std::move(step));
    return out_.steps.back().kept;
  }

  Json with_phases(const std::vector<std::string>& phases) const {
    Json c = out_.smallest;
    c["schedule"] = phases;
    if (phases.empty()) c["repeat_schedule"] = false;
    return c;
  }

  // ddmin over the schedule's phases: try each chunk alone, then each
  // chunk's complement, refining the chunks when neither fails.
  void shrink_schedule() {
    std::vector<std::string> phases = phases_of(out_.smallest);
    if (phases.empty()) return;
    std::size_t n = 2;
    while (phases.size() >= 2 && !done()) {
      n = std::min(n, phases.size());
      std::size_t chunk = (phases.size() + n - 1) / n;
      bool reduced = false;
      // Each chunk alone.
      for (std::size_t from = 0; from < phases.size() && !reduced; from += chunk) {
        std::size_t to = std::min(from + chunk, phases.size());
        if (to - from == phases.size()) continue;
        std::vector<std::string> keep(phases.begin() + static_cast<long>(from), phases.begin() + static_cast<long>(to));
        if (attempt(fmt::format("keep only {}", describe_range(from, to, phases.size())), with_phases(keep))) {
          phases = keep;
          n = 2;
          reduced = true;
        }
      }
      // Each chunk's complement.
      for (std::size_t from = 0; from < phases.size() && !reduced && n > 2; from += chunk) {
        std::size_t to = std::min(from + chunk, phases.size());
        std::vector<std::string> keep(phases.begin(), phases.begin() + static_cast<long>(from));
        keep.insert(keep.end(), phases.begin() + static_cast<long>(to), phases.end());
        if (attempt(fmt::format("drop {}", describe_range(from, to, phases.size())), with_phases(keep))) {
          phases = keep;
          n = std::max<std::size_t>(n - 1, 2);
          reduced = true;
        }
      }
      if (reduced) continue;
      if (n >= phases.size()) break;
      n = std::min(n * 2, phases.size());
    }
    // A lone phase: perhaps the run fails with no fault at all.
    if (phases.size() == 1 && !is_quiet(phases[0])) attempt("drop the last phase (no fault)", with_phases({}));
  }

  // Each phase halved while the run still fails (down to 1 s).
  void shorten_phases() {
    std::vector<std::string> phases = phases_of(out_.smallest);
    for (std::size_t i = 0; i < phases.size() && !done(); ++i) {
      for (;;) {
        double s = parse_phase(phases[i]).seconds;
        double shorter = std::max(1.0, std::floor(s / 2 * 10) / 10);
        if (shorter >= s) break;
        std::vector<std::string> c = phases;
        c[i] = with_seconds(phases[i], shorter);
        if (!attempt(fmt::format("phase {} of {}: {:g} s → {:g} s", i + 1, phases.size(), s, shorter), with_phases(c)))
          break;
        phases = c;
      }
    }
  }

  // --nemesis without a schedule: each fault dropped in turn.
  void drop_nemesis_faults() {
    if (!out_.smallest.contains("nemesis") || !out_.smallest["nemesis"].is_array()) return;
    std::size_t i = 0;
    while (i < out_.smallest["nemesis"].size() && !done()) {
      Json c = out_.smallest;
      std::string name = c["nemesis"][i].get<std::string>();
      c["nemesis"].erase(i);
      if (!attempt(fmt::format("without the {} fault", name), c)) ++i;
    }
  }

  void halve_number(const char* key, const char* flag, double floor_at, const char* unit) {
    for (;;) {
      if (done() || !out_.smallest.contains(key) || !out_.smallest[key].is_number()) return;
      double v = out_.smallest[key].get<double>();
      double half = out_.smallest[key].is_number_integer() ? std::floor(v / 2) : std::floor(v / 2 * 10) / 10;
      half = std::max(half, floor_at);
      if (half >= v) return;
      Json c = out_.smallest;
      if (c[key].is_number_integer()) c[key] = static_cast<std::int64_t>(half);
      else c[key] = half;
      if (!attempt(fmt::format("{} {:g}{} → {:g}{}", flag, v, unit, half, unit), c)) return;
    }
  }

  // The key space, where the workload has one (an explicit --workload-opt
  // keys, or the system's default recorded in workload_params).
  void halve_keys() {
    for (;;) {
      if (done()) return;
      const Json& s = out_.smallest;
      Json keys;
      if (s.contains("workload_opt") && s["workload_opt"].contains("keys")) keys = s["workload_opt"]["keys"];
      else if (s.contains("workload_params") && s["workload_params"].contains("keys")) keys = s["workload_params"]["keys"];
      if (!keys.is_number_integer() || keys.get<std::int64_t>() <= 1) return;
      std::int64_t k = keys.get<std::int64_t>(), half = k / 2;
      Json c = s;
      c["workload_opt"]["keys"] = half;
      if (!attempt(fmt::format("keys {} → {}", k, half), c)) return;
    }
  }

  ShrinkOptions opts_;
  const TryRun& try_run_;
  const std::function<void(const ShrinkStep&)>& on_step_;
  const std::function<bool()>& stop_;
  ShrinkOutcome out_;
  int trials_ = 0;
};

}  // namespace

int schedule_faults(const Json& settings) {
  int n = 0;
  for (const std::string& p : phases_of(settings))
    if (!is_quiet(p)) ++n;
  return n;
}

ShrinkOutcome shrink_settings(const Json& settings, const ShrinkOptions& options, const TryRun& try_run,
                              const std::function<void(const ShrinkStep&)>& on_step, const std::function<bool()>& stop) {
  return Shrinker(settings, options, try_run, on_step, stop).run();
}

}  // namespace fl
