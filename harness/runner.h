// TestRun: one `faultline test` — the Jepsen loop on this machine, in phases:
// prepare (refuse what can be refused, make the store), bring up (namespaces,
// then the system's Db), main phase (--concurrency workers of logical
// processes, see harness/workers.h, and the nemesis as one more worker,
// recording the history as it goes; then heal and a quiet period), final
// phase (the workload's closing ops), tear down, and check (re-read
// history.jsonl and check it exactly as `faultline check` would, within
// --check-time-limit), and report (report.html and its plots in the run's
// folder). The verdict is the checkers' unless the run did not do what it
// claims (TestOutcome::problems): then a history that looks valid gives
// unknown, and only a proven anomaly still gives invalid. Teardown and heal
// happen on every exit path (RAII).
// request_stop() / abort_now() may be called from another thread (Ctrl-C).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "checkers/checker.h"
#include "cluster/ssh_host.h"
#include "harness/network_stats.h"
#include "harness/recorder.h"

namespace fl {

struct FileResults;

struct TestOptions {
  std::string system;
  std::string workload;
  nlohmann::json system_options = nlohmann::json::object();  // e.g. {"bug": "stale-read"}
  nlohmann::json workload_params = nlohmann::json::object();
  std::vector<std::string> nemesis;   // fault names; empty = no nemesis
  double nemesis_interval_s = 10;
  std::vector<std::string> schedule;  // phases ("20s partition-halves", "10s quiet"); replace `nemesis`
  bool repeat_schedule = false;       // run the phases again and again until the end
  std::vector<std::string> ssh_hosts; // run on these machines over SSH instead of local namespaces
  SshOptions ssh;
  double quiet_s = 5;                 // after the final heal, before the final phase
  int nodes = 3;
  double time_limit_s = 60;
  std::int64_t ops_limit = 0;
  int concurrency = 10;
  double rate = 0;                    // total ops/s, 0 = unlimited
  std::string store_dir = "store";
  std::uint64_t seed = 0;             // 0 = pick one (and log it)
  double timeout_s = 1.0;             // per request
  std::string test_name;              // "" = <system>-<workload>
  bool record = true;                 // false: measure without writing a history
  bool progress = true;               // live progress on stderr
  bool check = true;                  // false: record only (benchmarks)
  bool print_summary = true;          // checker summaries + verdict on stdout
  double drain_s = 2.0;               // on Ctrl-C: how long in-flight ops may finish
  bool fsync = false;                 // fdatasync history.jsonl after every batch
  bool stop_on_anomaly = false;       // end the main phase at the first anomaly an online check finds
  // The main phase ends early when the store's filesystem has less than
  // this left, so the check and the report still fit; 0 = the smaller of
  // 512 MB and a quarter of what was free when the run began.
  std::int64_t disk_reserve_bytes = 0;
  bool plots = true;                  // false: report.html without the gnuplot images
  std::string subnet;                 // the local cluster's IPv4 /24; "" = ClusterSpec's default
  double check_time_limit_s = 300;    // the checkers' budget; past it the verdict is unknown
  NetworkGates gates;                 // --max-msgs-per-op, --max-median-latency, --max-latency
  std::string availability;           // --availability: "total" or a fraction of ops that must be ok; "" = none
};

struct TestPlan;

struct TestOutcome {
  Validity valid = Validity::Unknown;
  int exit_code = 2;
  std::string run_dir;                // "" when recording was off
  OutcomeCounts counts;
  double main_phase_s = 0;
  double ops_per_s = 0;               // completed ops per second of the main phase
  bool interrupted = false;
  bool stopped_on_anomaly = false;    // the main phase ended at an anomaly found online (--stop-on-anomaly)
  bool disk_full = false;             // the main phase ended early: the store's disk was nearly full
  // Why the run may not have tested what it claims (a nemesis that never
  // applied a fault, a worker that threw, a recorder that failed, a checker
  // the workload names that does not exist): each makes a verdict that would
  // be valid unknown, and is listed in results.json as "run-problems".
  std::vector<std::string> problems;
  bool check_abandoned = false;       // a checker still runs past its budget: end with std::_Exit
  nlohmann::json results;             // results.json
  std::string report_path;            // report.html, "" when none was written
};

class TestRun {
 public:
  // Reads and checks the options once (plan_test: what can be refused
  // without side effects); throws UsageError.
  explicit TestRun(TestOptions opts);
  ~TestRun();

  TestOutcome run();
  // First Ctrl-C: stop new ops, drain briefly, then tear down and check.
  void request_stop();
  // Second Ctrl-C: heal and tear down at once, then _exit(130).
  [[noreturn]] void abort_now();

 private:
  struct Live;
  struct Run;
  void prepare(Run& r);
  void bring_up(Run& r);
  void main_phase(Run& r);
  void final_phase(Run& r);
  TestOutcome check(Run& r);
  CheckOptions check_options(const Run& r) const;
  void compare_online(Run& r, FileResults& fr, std::int64_t op_count);
  bool judged_online(const Run& r) const;
  FileResults online_results(Run& r);
  // `h` null: the report streams the history from its file.
  void report(Run& r, const History* h, const Json& results);

  std::unique_ptr<const TestPlan> plan_;  // the options as read and checked once (test_plan.h)
  std::atomic<bool> stop_requested_{false};
  std::mutex live_mu_;
  Live* live_ = nullptr;  // what abort_now() must tear down, while it exists
};

// A run with more client ops than this whose every checker judged it while
// it recorded (checkers/online.h) takes the online verdicts as its own; one
// whose checkers can all judge a stream (harness/streamed_check.h; the
// transactional ones, say) is judged from its file after it ends. Either way
// its history is never read whole into memory, and its report and network
// figures stream it. 2,000,000, or the environment's FAULTLINE_ONLINE_VERDICT_OPS
// (tests lower it). `faultline check` judges such a history again, offline.
std::int64_t online_verdict_ops();

// The test name used in the store when none is given.
std::string default_test_name(const TestOptions& o);
// The fully resolved settings, as test.json records them: every key is the
// long name of a `faultline test` flag (with _ for -), so `faultline test
// --config <run>/test.json` repeats the run; "model", "checkers" and "init"
// record what the workload chose and are not settings.
nlohmann::json settings_json(const TestOptions& o);

}  // namespace fl
