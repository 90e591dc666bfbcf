// `faultline test --system S --workload W …`: one Jepsen-style run (see
// harness/runner.h), with Ctrl-C handled (first: stop and check; second:
// tear down at once) and the exit code of the verdict. Every flag can also
// come from `--config FILE` (TOML, or a run's test.json: config_file.h).
#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

#include "harness/commands.h"
#include "harness/config_file.h"
#include "harness/interrupts.h"
#include "harness/runner.h"
#include "harness/ssh_flags.h"
#include "harness/test_plan.h"

namespace fl {

void add_test_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<TestOptions>();
  auto bug = std::make_shared<std::string>();
  auto design = std::make_shared<std::string>();
  auto bin = std::make_shared<std::string>();
  auto bin_args = std::make_shared<std::string>();
  auto opts = std::make_shared<std::vector<std::string>>();
  auto workload_opts = std::make_shared<std::vector<std::string>>();
  auto no_progress = std::make_shared<bool>(false);
  auto no_plots = std::make_shared<bool>(false);
  auto config = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("test", "Run a Jepsen-style test: start a cluster, drive clients, check the history");
  cmd->add_option("--config", *config,
                  "Read the flags from a TOML file (or a run's test.json, to repeat it); flags given here win");
  cmd->add_option("--system,-s", o->system, "System under test (see `faultline list`; required)");
  cmd->add_option("--workload,-w", o->workload, "Workload (see `faultline list`; required)");
  cmd->add_option("--design", *design, "Course design for --system course (see `fl-course --help`)");
  cmd->add_option("--bin", *bin, "The server binary for --system http (speaks COURSE.md's protocol)");
  cmd->add_option("--bin-args", *bin_args,
                  "More arguments for every --system http node, split at spaces (no shell), after COURSE.md's flags");
  cmd->add_option("--opt", *opts,
                  "A system knob, repeatable: KEY=VALUE (VALUE read as JSON when it parses, else as text) or KEY "
                  "(true), e.g. redis: wait=1; etcd: binary=/usr/bin/etcd; course/http pass each to every node as "
                  "--KEY [VALUE]. Knobs are spelt with dashes (data-root); `faultline list` names each system's, "
                  "and any other is refused")
      ->expected(1)
      ->take_all();
  cmd->add_option("--workload-opt", *workload_opts,
                  "A workload knob, repeatable: KEY=VALUE (VALUE read as JSON when it parses, else as text; a bare KEY "
                  "is true), e.g. keys=4, values=small, sessions=true, read-fraction=0.2, pattern=write-skew. Knobs "
                  "are spelt with dashes; `faultline list` names each workload's, and any other is refused")
      ->expected(1)
      ->take_all();
  cmd->add_option("--nemesis", o->nemesis, "Faults, comma-separated (e.g. partition,kill)")->delimiter(',');
  cmd->add_option("--nemesis-interval", o->nemesis_interval_s, "Seconds between a fault and its heal")
      ->capture_default_str();
  cmd->add_option("--schedule", o->schedule,
                  "A nemesis phase \"<seconds> <fault|quiet> [k=v …]\", e.g. \"20s partition-halves\"; repeat it for "
                  "phases in order (instead of --nemesis)");
  cmd->add_flag("--repeat-schedule", o->repeat_schedule, "Start the phases again after the last one");
  cmd->add_option("--nodes,-n", o->nodes, "Nodes of the local cluster")->capture_default_str();
  add_ssh_flags(*cmd, o->ssh_hosts, o->ssh, true);
  cmd->add_option("--time-limit,-t", o->time_limit_s, "Seconds of the main phase")->capture_default_str();
  cmd->add_option("--ops-limit", o->ops_limit, "Stop after this many ops (0 = no limit)");
  cmd->add_option("--concurrency,-c", o->concurrency, "Worker threads")->capture_default_str();
  cmd->add_option("--rate,-r", o->rate, "Total ops/s over all workers (0 = as fast as possible)");
  cmd->add_option("--store", o->store_dir, "Store folder")->capture_default_str();
  cmd->add_option("--seed", o->seed, "Random seed (0 = random, logged)");
  cmd->add_option("--timeout", o->timeout_s, "Seconds per request before it counts as info")->capture_default_str();
  cmd->add_option("--bug", *bug, "A deliberate bug of the memory system (stale-read)");
  cmd->add_option("--test-name", o->test_name, "Name of the test in the store (default <system>-<workload>)");
  cmd->add_option("--quiet-period", o->quiet_s, "Seconds between the final heal and the final reads")
      ->capture_default_str();
  cmd->add_option("--check-time-limit", o->check_time_limit_s,
                  "Seconds the checkers may take; past it the verdict is unknown")
      ->capture_default_str();
  cmd->add_option("--max-msgs-per-op", o->gates.max_msgs_per_op,
                  "A gate: the run is invalid if the nodes sent each other more messages per client op than this "
                  "(systems that count their messages: maelstrom)");
  cmd->add_option("--max-median-latency", o->gates.max_median_latency_ms,
                  "A gate: the run is invalid if the median latency of the ok ops exceeds this many ms");
  cmd->add_option("--max-latency", o->gates.max_latency_ms,
                  "A gate: the run is invalid if any ok op took longer than this many ms");
  cmd->add_option("--availability", o->availability,
                  "The run is invalid unless this share of its ops succeed: total, or a fraction from 0 to 1 "
                  "(Maelstrom's option)");
  cmd->add_flag("--no-progress", *no_progress, "No live progress line");
  cmd->add_flag("--no-plots", *no_plots,
                "Write no latency.png and rate.png beside report.html (the page draws its own plots; gnuplot takes seconds)");
  cmd->add_flag("--fsync", o->fsync, "fdatasync history.jsonl after every batch (survives a power cut; slower)");
  cmd->add_flag("--stop-on-anomaly", o->stop_on_anomaly,
                "End the main phase at the first anomaly a check finds while the run records (then heal, final reads "
                "and teardown as usual)");
  cmd->add_option("--subnet", o->subnet, "The local cluster's IPv4 /24 (default 10.213.77.0/24)");
  cmd->callback([cmd, o, bug, design, bin, bin_args, opts, workload_opts, no_progress, no_plots, config, &exit_code] {
    if (!config->empty())
      apply_config_file(*cmd, *config, {"opt", "workload-opt"}, {"model", "checkers", "init", "workload-params"});
    if (!bug->empty()) o->system_options["bug"] = *bug;
    if (!design->empty()) o->system_options["design"] = *design;
    if (!bin->empty()) o->system_options["bin"] = *bin;
    if (!bin_args->empty()) o->system_options["bin-args"] = *bin_args;
    // KEY=VALUE → {"KEY": VALUE} (parse_knob); the system and the
    // workload refuse a KEY that is none of their knobs.
    auto fill = [](const std::vector<std::string>& words, nlohmann::json& into, const char* flag) {
      for (const std::string& kv : words) {
        auto [key, value] = parse_knob(kv, flag);
        into[key] = value;
      }
    };
    fill(*opts, o->system_options, "--opt");
    fill(*workload_opts, o->workload_params, "--workload-opt");
    o->progress = !*no_progress;
    o->plots = !*no_plots;
    TestRun run(*o);
    InterruptWatcher interrupts([&run] { run.request_stop(); }, [&run] { run.abort_now(); });
    TestOutcome outcome = run.run();
    exit_code = outcome.exit_code;
    if (outcome.check_abandoned) {
      // A checker still runs past its budget: end now, without waiting for
      // it or destroying what it uses.
      std::fflush(nullptr);
      std::_Exit(exit_code);
    }
  });
}

}  // namespace fl
