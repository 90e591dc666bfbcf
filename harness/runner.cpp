#include "harness/runner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <ctime>
#include <fstream>
#include <iostream>
#include <random>
#include <set>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include "checkers/availability.h"
#include "checkers/registry.h"
#include "cluster/local_cluster.h"
#include "harness/commands.h"
#include "harness/generator.h"
#include "harness/online_checking.h"
#include "harness/preflight.h"
#include "harness/progress.h"
#include "harness/report_files.h"
#include "harness/results.h"
#include "harness/store.h"
#include "harness/streamed_check.h"
#include "harness/test_plan.h"
#include "harness/workers.h"
#include "history/format.h"
#include "nemesis/diskfs.h"
#include "nemesis/nemesis.h"
#include "history/wire_log.h"
#include "cluster/parallel.h"
#include "nemesis/schedule.h"
#include "systems/system.h"

namespace fl {

std::string default_test_name(const TestOptions& o) {
  std::string name = o.system + "-" + o.workload;
  for (const auto& f : o.nemesis) name += "-" + f;
  if (!o.schedule.empty()) name += "-schedule";
  if (!o.ssh_hosts.empty()) name += "-ssh";
  return name;
}

nlohmann::json settings_json(const TestOptions& o) {
  nlohmann::json j = {{"system", o.system},
                      {"workload", o.workload},
                      {"opt", o.system_options},
                      {"nemesis", o.nemesis},
                      {"nemesis_interval", o.nemesis_interval_s},
                      {"schedule", o.schedule},
                      {"repeat_schedule", o.repeat_schedule},
                      {"nodes", o.nodes},
                      {"time_limit", o.time_limit_s},
                      {"ops_limit", o.ops_limit},
                      {"concurrency", o.concurrency},
                      {"rate", o.rate},
                      {"seed", o.seed},
                      {"timeout", o.timeout_s},
                      {"quiet_period", o.quiet_s},
                      {"check_time_limit", o.check_time_limit_s},
                      {"test_name", o.test_name}};
  if (!o.workload_params.empty()) j["workload_opt"] = o.workload_params;
  if (!o.subnet.empty()) j["subnet"] = o.subnet;
  j["fsync"] = o.fsync;
  if (o.gates.max_msgs_per_op > 0) j["max_msgs_per_op"] = o.gates.max_msgs_per_op;
  if (o.gates.max_median_latency_ms > 0) j["max_median_latency"] = o.gates.max_median_latency_ms;
  if (o.gates.max_latency_ms > 0) j["max_latency"] = o.gates.max_latency_ms;
  if (!o.availability.empty()) j["availability"] = o.availability;
  if (!o.ssh_hosts.empty()) {
    j["ssh"] = o.ssh_hosts;
    j["ssh_user"] = o.ssh.user;
    j["ssh_key"] = o.ssh.key;
    j["ssh_port"] = o.ssh.port;
    j["ssh_known_hosts"] = o.ssh.known_hosts;
    j["ssh_strict_host_keys"] = o.ssh.strict_host_keys;
    j["ssh_connect_timeout"] = o.ssh.connect_timeout_s;
    j["real_clocks"] = o.ssh.real_clocks;
    if (!o.ssh.diskfs.empty()) j["ssh_diskfs"] = o.ssh.diskfs;
  }
  return j;
}

namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

// The default logger writes to faultline.log for the run (the cluster and
// the nemesis log through spdlog too), and is restored afterwards.
class RunLog {
 public:
  explicit RunLog(const std::string& path) : previous_(spdlog::default_logger()) {
    std::shared_ptr<spdlog::sinks::sink> sink;
    // No store, no log: a run that records nothing also says nothing.
    if (path.empty()) sink = std::make_shared<spdlog::sinks::null_sink_mt>();
    else sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(path, true);
    auto logger = std::make_shared<spdlog::logger>("faultline", sink);
    logger->set_level(spdlog::level::debug);
    logger->flush_on(spdlog::level::debug);
    spdlog::set_default_logger(logger);
  }
  ~RunLog() { spdlog::set_default_logger(previous_); }

 private:
  std::shared_ptr<spdlog::logger> previous_;
};


struct TestRun::Live {
  std::unique_ptr<System> system;
  std::unique_ptr<LocalCluster> cluster;
  std::vector<std::unique_ptr<SshHost>> ssh_hosts;  // closed (control masters) last
  std::vector<Host*> hosts;
  bool db_up = false;
  nlohmann::json traffic;  // what the system's network carried (Db::traffic), read at teardown
  std::unique_ptr<NemesisSchedule> schedule;
  std::mutex teardown_mu;
  bool torn_down = false;

  // Heals, stops the Db and removes the cluster; idempotent and noexcept, so
  // it runs on every exit path (destructor) and from the second Ctrl-C.
  void teardown(const RunStore* store) noexcept {
    std::lock_guard<std::mutex> lock(teardown_mu);
    if (torn_down) return;
    torn_down = true;
    if (schedule) schedule->heal_all();
    if (db_up && system) {
      spdlog::info("stopping {} on {} nodes", system->name(), hosts.size());
      system->db().teardown(hosts);
      try {
        traffic = system->db().traffic(hosts);
      } catch (const std::exception& e) {
        spdlog::warn("could not read what the network carried: {}", e.what());
      }
      if (store) {
        try {
          on_each_host(hosts, [&](Host& h) {
            for (const std::string& f : system->db().log_files(h)) {
              try {
                std::string dest = store->node_dir(h.name()) + "/" + f.substr(f.find_last_of('/') + 1);
                h.download(f, dest);
              } catch (const std::exception& e) {
                spdlog::warn("could not copy {} from {}: {}", f, h.name(), e.what());
              }
            }
          });
        } catch (const std::exception& e) {
          spdlog::warn("could not copy the nodes' logs: {}", e.what());
        }
      }
    }
    if (cluster) {
      try {
        cluster.reset();
        for (const std::string& what : LocalCluster::down()) spdlog::info("removed {}", what);
      } catch (const std::exception& e) {
        spdlog::error("cluster teardown: {} (run `faultline cluster down`)", e.what());
      }
    }
    ssh_hosts.clear();
  }
};

TestRun::TestRun(TestOptions opts) : plan_(std::make_unique<const TestPlan>(plan_test(std::move(opts)))) {}

TestRun::~TestRun() = default;

void TestRun::request_stop() {
  stop_requested_.store(true);
  std::fprintf(stderr, "\nfaultline: stopping — finishing in-flight ops, then tearing down (Ctrl-C again to tear down at once)\n");
}

void TestRun::abort_now() {
  std::fprintf(stderr, "\nfaultline: tearing down at once\n");
  {
    std::lock_guard<std::mutex> lock(live_mu_);
    if (live_) live_->teardown(nullptr);
  }
  std::_Exit(130);
}

// Everything one run holds, in the order it is made (and unmade in reverse).
struct TestRun::Run {
  TestOutcome out;
  std::unique_ptr<Workload> workload;
  std::vector<const Checker*> checkers;
  std::unique_ptr<RunStore> store;
  std::unique_ptr<RunLog> log;
  std::unique_ptr<Live> live;
  std::unique_ptr<OnlineChecking> online;  // fed by the recorder: made before it, gone after it
  std::unique_ptr<Recorder> recorder;
  std::unique_ptr<WireLog> wire;      // what the clients said (wire.jsonl), beside the history
  std::unique_ptr<Generator> generator;
  std::unique_ptr<Workers> workers;
  std::unique_ptr<Progress> progress;
  std::atomic<bool> nemesis_stop{false};
  std::thread nemesis_thread;
  std::mt19937_64 nemesis_rng;
  std::mutex errors_mu;
  std::vector<std::string> errors;  // nemesis failures, worker failures
  nlohmann::json settings;          // test.json
  // The nemesis's starts: applied, or failed (with the first error).
  int faults_applied = 0, faults_failed = 0;
  std::string first_fault_error;
  std::set<std::string> packet_shapers;  // which shaped the packets: "netem", "nfqueue"
  std::string data_mount;                 // what the data directories were mounted through ("" = none)

  void stop_nemesis() {
    if (!nemesis_thread.joinable()) return;
    nemesis_stop.store(true);
    nemesis_thread.join();
  }
  // Stops whatever still runs (an exception left it running), so teardown
  // never races a worker or the nemesis.
  void stop_threads() noexcept {
    stop_nemesis();
    if (generator) generator->stop();
    if (workers) workers->join();
    if (progress) progress->stop();
  }
};

// Prepare: everything that can be refused without side effects, then the
// store, the run log and test.json. Throws UsageError, or EnvironmentError
// when the machine is not fit for the run (preflight.h).
void TestRun::prepare(Run& r) {
  const TestOptions& o = plan_->options;
  r.live = std::make_unique<Live>();
  try {
    r.live->system = make_system(o.system, o.system_options);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  } catch (const nlohmann::json::exception& e) {
    throw UsageError(fmt::format("an --opt of {} has the wrong type ({})", o.system, e.what()));
  }
  if (!r.live->system) throw UsageError(unknown_name("system", o.system, list_systems()));
  // The system's defaults for the workload's knobs; --workload-opt wins.
  nlohmann::json params = r.live->system->workload_defaults(o.workload);
  for (auto& [k, v] : o.workload_params.items()) params[k] = v;
  try {
    r.workload = make_workload(o.workload, WorkloadOptions{o.seed, params, o.nodes});
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  } catch (const nlohmann::json::exception& e) {
    throw UsageError(fmt::format("a --workload-opt of {} has the wrong type ({})", o.workload, e.what()));
  }
  if (!r.workload) throw UsageError(unknown_name("workload", o.workload, list_workloads()));
  System& system = *r.live->system;
  {
    auto ws = system.workloads();
    if (std::find(ws.begin(), ws.end(), o.workload) == ws.end())
      throw UsageError(fmt::format("system {} does not run workload {}", o.system, o.workload));
  }
  // Whatever this machine lacks is refused here, before the store, the
  // cluster or a daemon exists (exit 64, with the fix).
  preflight(*plan_, system);

  // The checkers the workload names; one that does not exist leaves part of
  // the claim unchecked, so the verdict can be at best unknown.
  for (const std::string& name : r.workload->checkers()) {
    if (const Checker* c = find_checker(name)) {
      r.checkers.push_back(c);
      continue;
    }
    r.out.problems.push_back(fmt::format("the workload's checker {} does not exist", name));
    std::fprintf(stderr, "faultline: %s: the verdict can be at best unknown\n", r.out.problems.back().c_str());
  }
  if (!o.availability.empty()) r.checkers.push_back(find_checker("availability"));

  if (o.record) {
    try {
      r.store = std::make_unique<RunStore>(RunStore::create(o.store_dir, o.test_name, std::time(nullptr)));
    } catch (const std::runtime_error& e) {
      throw UsageError(e.what());
    }
    r.out.run_dir = r.store->dir();
  }
  r.log = std::make_unique<RunLog>(r.store ? r.store->log_path() : std::string());
  nlohmann::json config = settings_json(o);
  config["model"] = r.workload->model();
  config["checkers"] = r.workload->checkers();
  config["workload_params"] = params;  // the workload's knobs as resolved: system defaults, then --workload-opt
  if (auto init = r.workload->init()) config["init"] = *init;
  spdlog::info("test {}: {}", o.test_name, config.dump());
  if (r.store) std::ofstream(r.store->test_json_path()) << config.dump(2) << "\n";
  r.settings = config;
}

// Bring up: the hosts (local namespaces, or SSH connections to machines),
// then the system's Db on them.
void TestRun::bring_up(Run& r) {
  const TestOptions& o = plan_->options;
  Live& live = *r.live;
  if (live.system->in_process()) {
    if (stop_requested_.load()) r.out.interrupted = true;
    return;
  }
  // Disk faults act on the nodes' data directories through fl-diskfs: they
  // are mounted there before the system starts, and only then (an SSH host
  // is asked first whether it can). A phase may ask for a writeback
  // (lose-unfsynced writeback=5); the longest asked wins.
  std::string disk_fault;
  long writeback_ms = 0;
  auto consider = [&](const std::string& f, const nlohmann::json& options) {
    auto n = make_nemesis(f, options);
    if (!n || !n->needs_data_mount()) return;
    if (disk_fault.empty()) disk_fault = f;
    writeback_ms = std::max(writeback_ms, n->data_mount_writeback_ms());
  };
  for (const std::string& f : o.nemesis) consider(f, nlohmann::json::object());
  for (const NemesisPhase& p : plan_->phases)
    if (!p.fault.empty()) consider(p.fault, p.options);
  if (!o.ssh_hosts.empty()) {
    std::fprintf(stderr, "connecting to %zu hosts over SSH and starting %s…\n", o.ssh_hosts.size(), o.system.c_str());
    for (size_t i = 0; i < o.ssh_hosts.size(); ++i) {
      live.ssh_hosts.push_back(std::make_unique<SshHost>(fmt::format("n{}", i + 1), o.ssh_hosts[i], o.ssh));
      live.hosts.push_back(live.ssh_hosts.back().get());
    }
    on_each_host(live.hosts, [&](Host& h) {
      static_cast<SshHost&>(h).connect();
      // Faults are iptables rules, qdiscs and signals there: they need root.
      if ((!o.nemesis.empty() || !o.schedule.empty()) && h.run({"id", "-u"}).out != "0\n")
        throw SettingsError(fmt::format("faults on {} ({}) need root there; use --ssh-user root", h.name(), h.address()));
      // Disk faults need FUSE and fl-diskfs there: refused before anything starts.
      if (!disk_fault.empty())
        if (std::string missing = diskfs_missing_on(h); !missing.empty())
          throw EnvironmentError(fmt::format("the {} nemesis needs {}", disk_fault, missing));
    });
    spdlog::info("connected to {}", fmt::join(o.ssh_hosts, ", "));
  } else {
    std::fprintf(stderr, "starting a %d-node cluster and %s…\n", o.nodes, o.system.c_str());
    // up() refuses again (EnvironmentError) if a cluster appeared since the
    // preflight; the cluster journal names this process as its owner.
    live.cluster = LocalCluster::up(ClusterSpec{o.nodes, o.subnet.empty() ? ClusterSpec{}.subnet : o.subnet});
    live.hosts = live.cluster->hosts();
  }
  if (!disk_fault.empty() && !live.system->db().data_mount() && !live.hosts.empty() &&
      !live.system->db().data_mount_dir(*live.hosts[0]).empty()) {
    live.system->db().set_data_mount(make_diskfs_mount(writeback_ms));
    r.data_mount = live.system->db().data_mount()->name();
    spdlog::info("the nodes' data directories go through {} (for the {} nemesis){}", r.data_mount, disk_fault,
                 writeback_ms > 0 ? fmt::format(", which makes every write durable within {} ms", writeback_ms)
                                  : ", where only an fsync makes a write durable");
  }
  live.db_up = true;  // a half-started Db is still torn down
  live.system->db().setup(live.hosts);
  spdlog::info("{} is up on {} nodes", o.system, live.hosts.size());
  if (stop_requested_.load()) r.out.interrupted = true;
}

// Main phase: the workers and the nemesis until the generator is over or
// Ctrl-C; then the final heal and the quiet period.
void TestRun::main_phase(Run& r) {
  const TestOptions& o = plan_->options;
  Live& live = *r.live;
  r.recorder = std::make_unique<Recorder>(r.store ? r.store->history_path() : std::string(), o.fsync);
  // The checkers that can judge while the run records do.
  if (r.store && o.check) {
    std::map<std::string, std::unique_ptr<OnlineCheck>> online;
    CheckOptions copts = check_options(r);
    copts.live_history = r.store->history_path();  // the recorder writes each batch before the checks see it
    for (const Checker* c : r.checkers)
      if (auto check = c->online(copts)) online[c->name()] = std::move(check);
    if (!online.empty()) {
      r.online = std::make_unique<OnlineChecking>(std::move(online), o.progress || o.print_summary ? stderr : nullptr,
                                                  r.recorder->start_time());
      r.recorder->set_listener([online = r.online.get()](std::vector<Op>&& batch) { online->take(std::move(batch)); });
    }
  }
  if (o.stop_on_anomaly && !r.online)
    throw UsageError(fmt::format("--stop-on-anomaly needs a checker that judges while the run records, and none of "
                                 "{}'s checkers does yet (docs/running.md)",
                                 o.workload));
  if (r.store) {
    r.wire = std::make_unique<WireLog>(r.store->wire_path(), r.recorder->start_time());
    WireLog::set_active(r.wire.get());
  }
  GeneratorOptions gopts;
  gopts.time_limit_s = o.time_limit_s;
  gopts.ops_limit = o.ops_limit;
  gopts.rate = o.rate;
  gopts.workers = o.concurrency;
  r.generator = std::make_unique<Generator>(*r.workload, gopts);
  WorkersOptions wopts;
  wopts.concurrency = o.concurrency;
  wopts.seed = o.seed;
  wopts.workload = o.workload;
  wopts.client.timeout_s = o.timeout_s;
  wopts.client.workload_params = o.workload_params;
  r.workers = std::make_unique<Workers>(*live.system, live.hosts, *r.recorder, wopts);
  if (o.progress) r.progress = std::make_unique<Progress>(*r.recorder, o.time_limit_s, stderr);
  if (r.progress && r.online)
    r.progress->set_status([online = r.online.get()] {
      const std::int64_t n = online->anomalies();
      const std::string lag = fmt::format("lag {:.1f} s, {} ops", online->lag_s(), online->lag());
      return n == 0 ? fmt::format("online: no anomaly so far ({})", lag)
                    : fmt::format("online: {} anomal{} ({})", n, n == 1 ? "y" : "ies", lag);
    });

  // The nemesis: one more worker, recording its events as process "nemesis".
  r.nemesis_rng.seed(o.seed ^ 0x9e3779b97f4a7c15ULL);
  if (!o.nemesis.empty() || !o.schedule.empty()) {
    NemesisContext ctx;
    ctx.nodes = live.hosts;
    ctx.db = &live.system->db();
    ctx.rng = &r.nemesis_rng;
    ScheduleOptions sopts;
    sopts.faults = o.nemesis;
    sopts.interval_s = o.nemesis_interval_s;
    sopts.seed = o.seed;
    sopts.phases = plan_->phases;
    sopts.repeat_phases = o.repeat_schedule;
    live.schedule = std::make_unique<NemesisSchedule>(ctx, sopts, [&r](const NemesisEvent& e) {
      spdlog::info("nemesis {} {}", e.f, e.value.dump());
      r.recorder->nemesis(e);
      std::lock_guard<std::mutex> lock(r.errors_mu);
      // A fault that did part of its work badly (a packet shaper that fell
      // behind) says so in "problem": the run did not test what it claims.
      if (e.value.is_object() && e.value.contains("problem") && e.value["problem"].is_string())
        r.errors.push_back("nemesis: " + e.value["problem"].get<std::string>());
      if (e.f.rfind("start-", 0) != 0) return;  // a start whose value names an error did not apply
      if (e.value.is_object() && e.value.contains("shaper") && e.value["shaper"].is_string())
        r.packet_shapers.insert(e.value["shaper"].get<std::string>());
      const bool failed = e.value.is_object() && e.value.contains("error");
      (failed ? r.faults_failed : r.faults_applied)++;
      if (failed && r.first_fault_error.empty()) r.first_fault_error = e.value["error"].dump();
    });
  }

  // The store's disk: the main phase ends before it fills, so the history
  // stays whole and the check and the report still fit.
  const std::int64_t free_at_start = r.store ? r.store->free_bytes() : -1;
  const std::int64_t reserve =
      o.disk_reserve_bytes > 0 ? o.disk_reserve_bytes : std::min<std::int64_t>(std::int64_t{512} << 20, free_at_start / 4);
  auto next_disk_look = Clock::now();

  r.generator->start();
  auto main_start = Clock::now();
  if (!r.out.interrupted) {
    if (r.progress) r.progress->start();
    r.workers->start(*r.generator);
    if (live.schedule) {
      r.nemesis_thread = std::thread([&r] {
        try {
          r.live->schedule->run(r.nemesis_stop);
        } catch (const std::exception& e) {
          spdlog::error("nemesis: {}", e.what());
          std::lock_guard<std::mutex> lock(r.errors_mu);
          r.errors.push_back(fmt::format("nemesis: {}", e.what()));
        }
      });
    }
  }

  while (!r.generator->over()) {
    if (stop_requested_.load()) {
      r.out.interrupted = true;
      r.generator->stop();
      break;
    }
    if (free_at_start >= 0 && Clock::now() >= next_disk_look) {
      next_disk_look = Clock::now() + std::chrono::milliseconds(100);
      const std::int64_t left = r.store->free_bytes();
      if (left >= 0 && left < reserve) {
        const double elapsed = std::chrono::duration<double>(Clock::now() - main_start).count();
        r.out.disk_full = true;
        r.out.problems.push_back(fmt::format(
            "the store's disk ({}) had {} MB left, so the main phase ended after {:.0f} s of {:g}, leaving room for "
            "the check and the report",
            r.store->dir(), left >> 20, elapsed, o.time_limit_s));
        spdlog::warn("{}", r.out.problems.back());
        r.generator->stop();
        break;
      }
    }
    if (o.stop_on_anomaly && r.online->anomaly_found()) {
      spdlog::info("an anomaly was found while the run recorded: the main phase ends here (--stop-on-anomaly)");
      r.out.stopped_on_anomaly = true;
      r.generator->stop();
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  r.generator->stop();
  if (r.out.interrupted) r.workers->abandon_after(o.drain_s);
  r.workers->join();
  r.out.main_phase_s = std::chrono::duration<double>(Clock::now() - main_start).count();
  OutcomeCounts main_counts = r.recorder->counts();
  r.out.ops_per_s =
      r.out.main_phase_s > 0 ? (main_counts.ok + main_counts.fail + main_counts.info) / r.out.main_phase_s : 0;

  r.stop_nemesis();
  if (live.schedule) {
    // Asked for faults, tested under none: not what the run claims.
    if (r.faults_applied == 0)
      r.out.problems.push_back(
          r.faults_failed > 0
              ? fmt::format("the nemesis never applied a fault: all {} attempts failed (first: {})", r.faults_failed,
                            r.first_fault_error)
              : o.schedule.empty()
                  ? fmt::format("the nemesis never applied a fault: the main phase ended after {:.1f} s, before the "
                                "first one (--nemesis-interval {:g} s)",
                                r.out.main_phase_s, o.nemesis_interval_s)
                  : fmt::format("the nemesis never applied a fault: the main phase ended after {:.1f} s, before "
                                "the schedule's first fault",
                                r.out.main_phase_s));
    live.schedule->heal_all();
    if (!r.out.interrupted && !stop_requested_.load()) {
      spdlog::info("healed; quiet for {:g} s", o.quiet_s);
      auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.quiet_s));
      while (Clock::now() < until && !stop_requested_.load()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
}

// Final phase: the workload's closing ops (final reads), each by a fresh
// process; then the history file is closed.
void TestRun::final_phase(Run& r) {
  if (!r.out.interrupted && !stop_requested_.load()) r.workers->run_final(r.generator->final_ops());
  if (stop_requested_.load()) r.out.interrupted = true;
  if (r.progress) r.progress->stop();
  r.recorder->close();
  if (r.wire) {
    WireLog::set_active(nullptr);
    r.wire->close();
  }
  r.out.counts = r.recorder->counts();
  if (!r.recorder->error().empty()) {
    spdlog::error("recording stopped: {}", r.recorder->error());
    r.out.problems.push_back("the recorder failed part-way: " + r.recorder->error());
  }
  for (const auto& e : r.workers->errors()) r.errors.push_back(e);
  for (const auto& e : r.errors) {
    spdlog::error("{}", e);
    r.out.problems.push_back(e);  // a worker or the nemesis threw: part of the run did not happen
  }
}

// Check: re-read the file, not memory — the same path as `faultline check`,
// so a stored history checked again gives exactly this verdict.
CheckOptions TestRun::check_options(const Run& r) const {
  const TestOptions& o = plan_->options;
  CheckOptions copts;
  copts.model = r.workload->model();
  copts.init = r.workload->init();
  copts.params = r.workload->check_params();
  if (r.store) copts.source = r.store->history_path();  // online forms name it in their errors
  if (!o.availability.empty()) copts.params["availability"] = parse_availability(o.availability);
  return copts;
}

// The online checks' verdicts beside the offline ones: they must agree, and
// a disagreement is a problem of the run (the offline verdict stands).
void TestRun::compare_online(Run& r, FileResults& fr, std::int64_t op_count) {
  std::vector<std::string> errors;
  std::map<std::string, CheckResult> online = r.online->finish(op_count, errors);
  Json checkers = Json::object();
  for (const auto& [name, result] : online) {
    auto offline = std::find_if(fr.by_checker.begin(), fr.by_checker.end(),
                                [&name = name](const auto& c) { return c.first == name; });
    const bool agrees = offline != fr.by_checker.end() && offline->second.valid == result.valid;
    checkers[name] = {{"valid", validity_json(result.valid)}, {"agrees", agrees}};
    // What it held, for a long run's memory: the most ops at once, and the
    // keys it let go of while quiet (and read back).
    for (const char* held : {"peak_held_ops", "quiet_keys", "wakes"})
      if (result.detail.contains(held)) checkers[name][held] = result.detail[held];
    if (!agrees)
      r.out.problems.push_back(fmt::format("the {} check made while the run recorded said {}, the check after it {}",
                                           name, validity_json(result.valid).dump(),
                                           offline == fr.by_checker.end() ? "nothing"
                                                                          : validity_json(offline->second.valid).dump()));
  }
  for (const std::string& e : errors) r.out.problems.push_back(e);
  fr.file.online = {{"checkers", checkers},
                    {"anomalies-found", r.online->anomalies()},
                    {"max-lag", r.online->max_lag()},
                    {"max-lag-s", std::round(r.online->max_lag_s() * 1000) / 1000},
                    {"stopped-on-anomaly", r.out.stopped_on_anomaly}};
}

std::int64_t online_verdict_ops() {
  const char* env = std::getenv("FAULTLINE_ONLINE_VERDICT_OPS");
  if (env && *env) {
    char* end = nullptr;
    const long long n = std::strtoll(env, &end, 10);
    if (end && *end == 0 && n >= 0) return n;
  }
  return 2000000;
}

bool TestRun::judged_online(const Run& r) const {
  return r.online && r.online->covers(r.checkers.size()) && r.recorder &&
         r.recorder->counts().invoked > online_verdict_ops();
}

// A long run's verdicts, from the checks made while it recorded. One whose
// online check failed is unknown, with the reason: its history was never
// held, and reading it now is what this way avoids.
FileResults TestRun::online_results(Run& r) {
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::string> errors;
  std::map<std::string, CheckResult> online = r.online->finish(r.online->taken(), errors);
  FileResults fr;
  Json checkers = Json::object();
  for (const Checker* c : r.checkers) {
    auto it = online.find(c->name());
    if (it == online.end()) {
      CheckResult cr;
      const std::string why = fmt::format("its check while the run recorded failed, and the history ({} client ops) "
                                          "was not read again; `faultline check` judges it offline",
                                          r.recorder->counts().invoked);
      cr.valid = Validity::Unknown;
      cr.detail["reason"] = why;
      cr.summary = "    " + why + "\n";
      add_result(fr, c->name(), std::move(cr));
      continue;
    }
    checkers[c->name()] = {{"valid", validity_json(it->second.valid)}};
    add_result(fr, c->name(), std::move(it->second));
  }
  for (const std::string& e : errors) r.out.problems.push_back(e);
  fr.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  fr.file.online = {{"checkers", checkers},
                    {"verdict", fmt::format("judged while the run recorded: more than {} client ops, every checker "
                                            "online; `faultline check` judges the history again offline",
                                            online_verdict_ops())},
                    {"anomalies-found", r.online->anomalies()},
                    {"max-lag", r.online->max_lag()},
                    {"max-lag-s", std::round(r.online->max_lag_s() * 1000) / 1000},
                    {"stopped-on-anomaly", r.out.stopped_on_anomaly}};
  return fr;
}

TestOutcome TestRun::check(Run& r) {
  const TestOptions& o = plan_->options;
  TestOutcome& out = r.out;
  if (!r.store || !o.check) {
    out.valid = Validity::Unknown;
    out.exit_code = exit_code_for(out.valid);
    return out;
  }
  const RunStore& store = *r.store;
  // A long run is never held whole: judged while it recorded, or else
  // streamed from its file when its checkers allow (harness/streamed_check.h).
  // Any other is read and judged again. Online verdicts are compared with a
  // check after the run whenever there is one.
  std::shared_ptr<const History> h;
  FileResults fr;
  StreamCounts counts;  // the history's, when it is not held
  const bool long_run = r.recorder && r.recorder->counts().invoked > online_verdict_ops();
  CheckOptions streamed_opts = check_options(r);
  streamed_opts.time_limit_s = o.check_time_limit_s;
  std::optional<FileResults> streamed;
  if (judged_online(r)) {
    fr = online_results(r);
    counts = {r.online->taken(), r.recorder->counts().invoked};
  } else if (long_run && (streamed = check_streamed_file(store.history_path(), Format::Jsonl, r.checkers,
                                                         streamed_opts, &counts))) {
    fr = std::move(*streamed);
    if (r.online) compare_online(r, fr, counts.events);
  } else {
    h = std::make_shared<const History>(read_history(store.history_path(), Format::Jsonl));
    BudgetedResults checked = run_checkers_within(h, r.checkers, check_options(r), o.check_time_limit_s);
    fr = std::move(checked.results);
    if (r.online) compare_online(r, fr, static_cast<std::int64_t>(h->size()));
    out.check_abandoned = checked.abandoned;
  }
  // The checkers judge the history; the run vouches for it. A history that
  // proves an anomaly stays invalid, but one that looks valid is only as good
  // as the run that made it.
  // What the network carried and how long ops took; gates on them are judged
  // like one more checker.
  const bool counted = r.live && !r.live->traffic.is_null();
  if (counted || o.gates.any()) {
    const Json traffic = r.live ? r.live->traffic : Json();
    if (h) {
      fr.file.network = network_section(traffic, *h);
    } else {
      const OpFigures figures = stream_op_figures(store.history_path());
      fr.file.network = network_section(traffic, figures.ops, figures.latency.quantiles());
    }
  }
  if (o.gates.any()) add_result(fr, "network-gates", check_gates(o.gates, fr.file.network));
  Validity verdict = fr.valid;
  if (!out.problems.empty()) {
    fr.file.run_problems = out.problems;
    if (verdict != Validity::Invalid) verdict = Validity::Unknown;
  }
  if (verdict == Validity::Unknown && !fr.file.reason) {
    std::string reason;
    for (const auto& p : out.problems) reason += (reason.empty() ? "" : "; ") + p;
    for (const auto& [name, cr] : fr.by_checker)
      if (cr.valid == Validity::Unknown)
        reason += (reason.empty() ? "" : "; ") +
                  fmt::format("{} could not decide{}", name,
                              cr.detail.contains("reason") ? ": " + cr.detail["reason"].get<std::string>() : "");
    fr.file.reason = reason;
  }
  fr.file.valid = verdict;
  fr.valid = verdict;
  fr.file.packet_shapers.assign(r.packet_shapers.begin(), r.packet_shapers.end());
  fr.file.data_mount = r.data_mount;
  if (r.wire) fr.file.wire_log = {{"exchanges", r.wire->exchanges()}, {"truncated", r.wire->truncated()}};
  write_results(store.dir(), fr.file);
  out.valid = verdict;
  out.results = fr.file.to_json();
  out.exit_code = exit_code_for(verdict);
  spdlog::info("verdict: {}", to_string(verdict));
  if (o.print_summary)
    std::cout << (h ? summarize(store.history_path(), *h, fr)
                    : summarize(store.history_path(), static_cast<std::size_t>(counts.events),
                                static_cast<std::size_t>(counts.operations), fr));
  std::string line = fmt::format(
      "{}: {} — {} ops (ok {}, fail {}, info {}) in {:.1f} s, {:.0f} ops/s{}; results in {}", o.test_name,
      to_string(verdict), out.counts.ok + out.counts.fail + out.counts.info, out.counts.ok, out.counts.fail,
      out.counts.info, out.main_phase_s, out.ops_per_s,
      out.interrupted                ? " (interrupted)"
      : out.stopped_on_anomaly ? " (stopped at the first anomaly found while recording)"
      : out.disk_full          ? " (stopped early: the store's disk was nearly full)"
                               : "",
      store.dir());
  if (verdict == Validity::Unknown) line += "\n  unknown: " + *fr.file.reason;
  else if (!out.problems.empty()) line += fmt::format("\n  the run also had problems: see results.json and {}", store.log_path());
  if (o.print_summary) std::cout << line << "\n" << network_line(fr.file.network);
  report(r, h.get(), out.results);
  // The report's path ends the output: it is where a reader goes next.
  if (o.print_summary && !out.report_path.empty()) std::cout << "report: " << out.report_path << "\n";
  return out;
}

// Report: report.html and the plots beside the history. A report that cannot
// be written costs the run nothing but the report: the verdict stands.
void TestRun::report(Run& r, const History* h, const Json& results) {
  ReportRequest req;
  req.dir = r.store->dir();
  req.history = h;
  if (!h) req.history_path = r.store->history_path();
  req.results = results;
  req.settings = r.settings;
  req.title = plan_->options.test_name;
  req.plots = plan_->options.plots;
  try {
    ReportWritten w = write_report(req);
    for (const std::string& warning : w.warnings) {
      spdlog::warn("{}", warning);
      std::fprintf(stderr, "faultline: %s\n", warning.c_str());
    }
    r.out.report_path = w.html_path;
    spdlog::info("report: {}", w.html_path);
  } catch (const std::exception& e) {
    spdlog::error("could not write the report: {}", e.what());
    std::fprintf(stderr, "faultline: could not write the report (%s); `faultline report %s` tries again\n", e.what(),
                 r.store->dir().c_str());
  }
}

TestOutcome TestRun::run() {
  Run r;
  prepare(r);
  // From here on, everything made is undone on every exit path: the guard
  // stops the threads, heals, stops the Db and removes the cluster.
  struct LiveGuard {
    TestRun& run;
    Run& r;
    ~LiveGuard() {
      r.stop_threads();
      r.live->teardown(r.store.get());
      std::lock_guard<std::mutex> lock(run.live_mu_);
      run.live_ = nullptr;
    }
  } guard{*this, r};
  {
    std::lock_guard<std::mutex> lock(live_mu_);
    live_ = r.live.get();
  }
  bring_up(r);
  main_phase(r);
  final_phase(r);
  // Tear down before checking: the cluster is not needed to judge a history.
  r.live->teardown(r.store.get());
  return check(r);
}

}  // namespace fl
