// `faultline demo`: what faultline is for, in two short Jepsen-style runs of
// a real 3-node cluster under network partitions — one design that breaks
// (a real anomaly, found and explained in its report) and one that keeps
// (valid). Each run is an ordinary `faultline test`; the two are listed
// below as data so that the demo can point at any "breaks" row of
// COURSE.md's table by editing one entry.
#include <cstdio>
#include <iostream>

#include <fmt/format.h>

#include "cluster/local_cluster.h"
#include "harness/commands.h"
#include "harness/interrupts.h"
#include "harness/runner.h"

namespace fl {

namespace {

struct DemoRun {
  std::string title;     // what the reader is told
  std::string expected;  // "breaks" or "keeps"
  TestOptions options;
};

std::vector<DemoRun> demo_runs(const std::string& store, double seconds) {
  TestOptions base;
  base.workload = "register";
  base.nodes = 3;
  base.concurrency = 10;
  base.time_limit_s = seconds;
  base.nemesis = {"partition"};
  base.nemesis_interval_s = 4;
  base.quiet_s = 3;
  base.store_dir = store;
  base.progress = true;

  // Breaks: etcd reading without a quorum ("serializable" reads, a mode etcd
  // documents as possibly stale): a member cut off by the partition keeps
  // answering reads from its old state while the majority moves on. Until
  // the course systems land, this is the real multi-node anomaly at hand;
  // COURSE.md's "primary-backup (async) | partition | breaks: stale reads"
  // row is the same lesson with `system = "course"` and its design options.
  DemoRun breaks{"etcd, reads served by whichever member the client talks to (serializable)", "breaks", base};
  breaks.options.system = "etcd";
  breaks.options.system_options = {{"serializable", true}};
  breaks.options.test_name = "demo-etcd-serializable-reads";

  DemoRun keeps{"etcd, reads through the quorum (etcd's default, linearizable)", "keeps", base};
  keeps.options.system = "etcd";
  keeps.options.test_name = "demo-etcd-quorum-reads";
  return {breaks, keeps};
}

int run_demo(const std::string& store, double seconds) {
  if (!running_as_root())
    throw UsageError("the demo starts a real etcd cluster in network namespaces: run it as root (sudo)");
  std::vector<DemoRun> runs = demo_runs(store, seconds);
  std::vector<TestOutcome> outcomes;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const DemoRun& d = runs[i];
    std::cout << fmt::format("\n== {}/{}: {} — partitions every {:g} s for {:g} s; expected: {}\n", i + 1, runs.size(),
                             d.title, d.options.nemesis_interval_s, d.options.time_limit_s, d.expected)
              << std::flush;
    TestRun run(d.options);
    InterruptWatcher interrupts([&run] { run.request_stop(); }, [&run] { run.abort_now(); });
    outcomes.push_back(run.run());
    if (outcomes.back().interrupted) break;
  }
  std::cout << "\n== what the demo found\n";
  bool as_expected = outcomes.size() == runs.size();
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    const bool broke = outcomes[i].valid == Validity::Invalid;
    const bool ok = (runs[i].expected == "breaks") == broke && outcomes[i].valid != Validity::Unknown;
    as_expected = as_expected && ok;
    std::cout << fmt::format("  {}: {} ({}){}\n      report: {}\n", runs[i].title, to_string(outcomes[i].valid),
                             ok ? "as expected" : "NOT as expected",
                             broke ? " — the report names the ops that no order explains" : "",
                             outcomes[i].report_path.empty() ? "(none)" : outcomes[i].report_path);
  }
  std::cout << fmt::format("  browse every run: faultline serve --store {}\n", store);
  return as_expected ? exit_code::kValid : exit_code::kInvalid;
}

}  // namespace

void add_demo_command(CLI::App& app, int& exit_code) {
  auto store = std::make_shared<std::string>("store");
  auto seconds = std::make_shared<double>(20);
  CLI::App* cmd = app.add_subcommand(
      "demo", "Two short tests of a real 3-node etcd cluster under partitions: one that breaks, one that keeps");
  cmd->add_option("--store", *store, "Store folder")->capture_default_str();
  cmd->add_option("--time-limit,-t", *seconds, "Seconds of each run's main phase")->capture_default_str();
  cmd->callback([store, seconds, &exit_code] { exit_code = run_demo(*store, *seconds); });
}

}  // namespace fl
