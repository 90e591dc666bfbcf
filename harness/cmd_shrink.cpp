// `faultline shrink RUN_DIR`: the smallest settings that still make a failing
// run fail (harness/shrink.h). The run's own test.json is the start; each
// candidate runs as a fresh `faultline test --config CANDIDATE.json` (this
// binary, same seed), `--runs` times, and a cut is kept only when every run
// exits 1 (anomalies). Writes OUT/test.json (the smallest, for --config) and
// OUT/steps.json (every candidate with its figures); OUT is RUN_DIR/shrink
// unless --out says otherwise, and the candidates' runs are stored under
// OUT/runs. A run whose verdict was not invalid is refused (64); a start that
// does not fail every time is unknown (2); otherwise exit 1, the smallest
// settings still failing.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "checkers/results_file.h"
#include "cluster/process.h"
#include "harness/commands.h"
#include "harness/interrupts.h"
#include "harness/run_folder.h"
#include "harness/shrink.h"

namespace fl {

namespace fs = std::filesystem;

namespace {

struct ShrinkCommand {
  std::string run_dir;
  std::string out_dir;
  int runs = 3;
  int max_trials = 60;
};

void write_json(const fs::path& path, const Json& j) {
  std::ofstream out(path);
  out << j.dump(2) << "\n";
  if (!out) throw UsageError(fmt::format("cannot write {}", path.string()));
}

std::string summary(const Json& s) {
  std::string phases;
  if (s.contains("schedule") && s["schedule"].is_array() && !s["schedule"].empty()) {
    for (const Json& p : s["schedule"]) phases += (phases.empty() ? "" : ", ") + p.get<std::string>();
    phases = fmt::format("schedule [{}]{}", phases, s.value("repeat_schedule", false) ? " repeated" : "");
  } else if (s.contains("nemesis") && s["nemesis"].is_array() && !s["nemesis"].empty()) {
    for (const Json& f : s["nemesis"]) phases += (phases.empty() ? "" : ",") + f.get<std::string>();
    phases = "nemesis " + phases;
  } else {
    phases = "no faults";
  }
  return fmt::format("{}; time-limit {:g} s; concurrency {}", phases, s.value("time_limit", 0.0),
                     s.value("concurrency", 0));
}

int run_shrink(const ShrinkCommand& c) {
  const fs::path dir(c.run_dir);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw UsageError(fmt::format("{} is not a folder of the store", c.run_dir));
  std::optional<Json> results = read_run_json(dir / "results.json");
  std::optional<Json> settings = read_run_json(dir / "test.json");
  if (!settings) throw UsageError(fmt::format("{} has no test.json: is it a run's folder (store/<test>/<time>)?", c.run_dir));
  if (!results) throw UsageError(fmt::format("{} has no results.json: the run was never checked, so there is no failure to shrink", c.run_dir));
  Validity verdict = ResultsFile::from_json(*results).valid;
  if (verdict != Validity::Invalid)
    throw UsageError(fmt::format("{} is {}, not invalid: shrink cuts a run that found anomalies, and this one found none",
                                 c.run_dir, to_string(verdict)));
  if (c.runs < 1) throw UsageError("--runs must be at least 1");

  const fs::path out = c.out_dir.empty() ? dir / "shrink" : fs::path(c.out_dir);
  fs::create_directories(out / "candidates", ec);
  if (ec) throw UsageError(fmt::format("cannot create {}: {}", (out / "candidates").string(), ec.message()));
  const std::string self = fs::read_symlink("/proc/self/exe", ec).string();
  if (ec) throw UsageError("cannot find this program's own path (/proc/self/exe) to run the candidates");

  std::atomic<bool> stop{false};
  InterruptWatcher interrupts([&stop] { stop = true; }, [&stop] { stop = true; });
  int candidate = 0;
  auto try_run = [&](const Json& s) {
    const fs::path file = out / "candidates" / fmt::format("{:03}.json", candidate);
    write_json(file, s);
    RunOptions o;
    // A candidate's report draws its plots in the page; no images (gnuplot
    // takes seconds a run, and a shrink makes dozens of runs).
    // The run itself, its final reads and its check, with room to spare.
    double limit = s.value("time_limit", 60.0) + s.value("quiet_period", 5.0) + s.value("check_time_limit", 300.0) + 300;
    o.timeout = std::chrono::milliseconds(static_cast<long>(limit * 1000));
    RunResult r = run_process({self, "test", "--config", file.string(), "--store", (out / "runs").string(), "--no-progress",
                               "--no-plots"}, o);
    TrialResult t;
    t.failed = r.exit_code == exit_code::kInvalid;
    if (r.exit_code == 130) stop = true;
    // Refused or broken (usage, bad input, faultline's own error): every
    // later candidate would be too, so shrinking stops there.
    t.broken = r.exit_code == exit_code::kUsage || r.exit_code == exit_code::kBadInput ||
               r.exit_code == exit_code::kInternal;
    if (!t.failed)
      t.note = r.timed_out ? "timed out"
               : r.exit_code == exit_code::kValid ? "valid"
               : r.exit_code == exit_code::kUnknown ? "unknown"
                                                    : fmt::format("exit {}: {}", r.exit_code, last_output_line(r.err));
    return t;
  };

  auto t0 = std::chrono::steady_clock::now();
  auto seconds_since = [](std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  };
  std::cout << fmt::format("shrinking {}: {}\n", c.run_dir, summary(*settings));
  std::cout << fmt::format("a cut is kept when it fails {} of {} runs\n", c.runs, c.runs) << std::flush;

  // The start must fail every time, or no cut can be judged.
  ShrinkStep start;
  start.change = "the run as it was";
  start.settings = *settings;
  bool start_broken = false;
  for (int i = 0; i < c.runs && !stop; ++i) {
    TrialResult r = try_run(*settings);
    ++start.tried;
    if (!r.failed) {
      start.note = r.note;
      start_broken = r.broken;
      break;
    }
    ++start.failed;
  }
  ++candidate;
  start.kept = start.failed == c.runs;
  std::cout << fmt::format("  0. {}: failed {} of {} ({:.0f} s){}\n", start.change, start.failed, start.tried,
                           seconds_since(t0), start.kept ? "" : " — " + start.note)
            << std::flush;

  Json steps = Json::array();
  auto record = [&](const ShrinkStep& s, double secs) {
    steps.push_back({{"change", s.change}, {"tried", s.tried}, {"failed", s.failed}, {"kept", s.kept},
                     {"seconds", secs}, {"note", s.note}, {"settings", s.settings}});
    write_json(out / "steps.json", steps);
  };
  record(start, seconds_since(t0));
  if (start_broken) {
    std::cerr << fmt::format("faultline: the run as it was could not be made again: {}\n", start.note);
    return exit_code::kUsage;
  }
  if (!start.kept) {
    std::cerr << fmt::format("faultline: the run as it was failed {} of {} tries, so no cut can be judged; repeat it "
                             "with a longer --time-limit or try --runs 1\n",
                             start.failed, start.tried);
    return exit_code::kUnknown;
  }

  ShrinkOptions opts;
  opts.runs = c.runs;
  opts.max_trials = c.max_trials;
  auto step_start = std::chrono::steady_clock::now();
  int n = 0;
  ShrinkOutcome result = shrink_settings(
      *settings, opts, try_run,
      [&](const ShrinkStep& s) {
        ++candidate;
        double secs = seconds_since(step_start);
        step_start = std::chrono::steady_clock::now();
        std::cout << fmt::format("  {}. {}: failed {} of {} ({:.0f} s){}\n", ++n, s.change, s.failed, s.tried, secs,
                                 s.kept ? " — kept" : s.note.empty() ? "" : " — " + s.note)
                  << std::flush;
        record(s, secs);
      },
      [&stop] { return stop.load(); });

  write_json(out / "test.json", result.smallest);
  std::cout << fmt::format("smallest ({} fault phase{}): {}\n", schedule_faults(result.smallest),
                           schedule_faults(result.smallest) == 1 ? "" : "s", summary(result.smallest));
  if (stop) std::cout << "stopped early (Ctrl-C): the smallest so far\n";
  if (!result.broken.empty()) {
    std::cerr << fmt::format("faultline: stopped shrinking, a candidate run could not be made ({}); the smallest so "
                             "far is written\n",
                             result.broken);
    return exit_code::kUsage;
  }
  if (result.exhausted) std::cout << fmt::format("stopped after {} candidates (--max-trials)\n", c.max_trials);
  std::cout << fmt::format("{} candidates in {:.0f} s; steps: {}\n", n + 1, seconds_since(t0), (out / "steps.json").string());
  std::cout << fmt::format("repeat it: faultline test --config {}\n", (out / "test.json").string());
  return exit_code::kInvalid;
}

}  // namespace

void add_shrink_command(CLI::App& app, int& exit_code) {
  auto c = std::make_shared<ShrinkCommand>();
  CLI::App* cmd = app.add_subcommand(
      "shrink", "Find the smallest settings (faults, length, clients, keys) with which a failing run still fails");
  cmd->add_option("run_dir", c->run_dir, "The failing run's folder (e.g. store/latest)")->required();
  cmd->add_option("--runs", c->runs, "A cut is kept when every one of this many runs fails")->capture_default_str();
  cmd->add_option("--max-trials", c->max_trials, "Candidate settings tried at most")->capture_default_str();
  cmd->add_option("--out", c->out_dir, "Where the smallest test.json, steps.json and the candidates' runs go "
                                       "(default RUN_DIR/shrink)");
  cmd->callback([c, &exit_code] { exit_code = run_shrink(*c); });
}

}  // namespace fl
