#include "harness/runner.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <random>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include "checkers/registry.h"
#include "cluster/local_cluster.h"
#include "harness/commands.h"
#include "harness/generator.h"
#include "harness/progress.h"
#include "harness/results.h"
#include "harness/store.h"
#include "history/format.h"
#include "nemesis/schedule.h"
#include "systems/system.h"

namespace fl {

std::string default_test_name(const TestOptions& o) {
  std::string name = o.system + "-" + o.workload;
  for (const auto& f : o.nemesis) name += "-" + f;
  return name;
}

namespace {

using Clock = std::chrono::steady_clock;

// What one worker is doing, so Ctrl-C can close an op that will not finish
// in time: the runner records it as info and the worker, when its call
// finally returns, records nothing more.
struct WorkerSlot {
  std::mutex mu;
  bool in_flight = false;
  bool abandoned = false;   // no more ops; an in-flight op was closed as info
  std::int64_t process = 0;
  OpSpec op;
  std::string node;
  bool done = false;        // the worker thread has finished
};

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

}  // namespace

struct TestRun::Live {
  std::unique_ptr<System> system;
  std::unique_ptr<LocalCluster> cluster;
  std::vector<Host*> hosts;
  bool db_up = false;
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
      if (store) {
        for (Host* h : hosts) {
          for (const std::string& f : system->db().log_files(*h)) {
            try {
              std::string dest = store->node_dir(h->name()) + "/" + f.substr(f.find_last_of('/') + 1);
              h->download(f, dest);
            } catch (const std::exception& e) {
              spdlog::warn("could not copy {} from {}: {}", f, h->name(), e.what());
            }
          }
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
  }
};

TestRun::TestRun(TestOptions opts) : opts_(std::move(opts)) {
  if (opts_.system.empty() || opts_.workload.empty()) throw UsageError("--system and --workload are required");
  if (opts_.concurrency < 1) throw UsageError("--concurrency must be at least 1");
  if (opts_.nodes < 1) throw UsageError("--nodes must be at least 1");
  if (opts_.time_limit_s <= 0 && opts_.ops_limit <= 0)
    throw UsageError("a test needs a --time-limit or an --ops-limit");
  if (opts_.timeout_s <= 0) throw UsageError("--timeout must be positive");
  if (opts_.nemesis_interval_s <= 0) throw UsageError("--nemesis-interval must be positive");
  for (const std::string& f : opts_.nemesis) {
    auto known = list_nemeses();
    if (std::none_of(known.begin(), known.end(), [&](const NemesisInfo& n) { return n.name == f; })) {
      std::string names;
      for (const auto& n : known) names += (names.empty() ? "" : ", ") + n.name;
      throw UsageError(fmt::format("unknown nemesis \"{}\" (known: {})", f, names));
    }
  }
  if (opts_.test_name.empty()) opts_.test_name = default_test_name(opts_);
  if (opts_.seed == 0) opts_.seed = std::random_device{}() | 1;
}

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

TestOutcome TestRun::run() {
  const TestOptions& o = opts_;
  TestOutcome out;

  std::unique_ptr<Workload> workload;
  try {
    workload = make_workload(o.workload, WorkloadOptions{o.seed, o.workload_params});
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  if (!workload) {
    std::string known;
    for (const auto& w : list_workloads()) known += (known.empty() ? "" : ", ") + w.name;
    throw UsageError(fmt::format("unknown workload \"{}\" (known: {})", o.workload, known));
  }
  auto live = std::make_unique<Live>();
  try {
    live->system = make_system(o.system, o.system_options);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  if (!live->system) {
    std::string known;
    for (const auto& s : list_systems()) known += (known.empty() ? "" : ", ") + s.name;
    throw UsageError(fmt::format("unknown system \"{}\" (known: {})", o.system, known));
  }
  System& system = *live->system;
  {
    auto ws = system.workloads();
    if (std::find(ws.begin(), ws.end(), o.workload) == ws.end())
      throw UsageError(fmt::format("system {} does not run workload {}", o.system, o.workload));
  }
  if (!system.in_process() && !running_as_root())
    throw UsageError(fmt::format("testing {} needs root (network namespaces); run as root or use --system memory",
                                 o.system));
  if (system.in_process() && !o.nemesis.empty())
    throw UsageError(fmt::format("system {} runs inside faultline; a nemesis has nothing to break", o.system));

  // The checkers the workload names; a missing one is said once, plainly.
  std::vector<const Checker*> checkers;
  for (const std::string& name : workload->checkers()) {
    if (const Checker* c = find_checker(name)) checkers.push_back(c);
    else out.skipped_checkers.push_back(name);
  }
  for (const auto& name : out.skipped_checkers) {
    if (name == "linearizable") std::fprintf(stderr, "linearizability checker not available yet — skipping\n");
    else std::fprintf(stderr, "checker %s not available — skipping\n", name.c_str());
  }

  std::unique_ptr<RunStore> store;
  if (o.record) {
    try {
      store = std::make_unique<RunStore>(RunStore::create(o.store_dir, o.test_name, std::time(nullptr)));
    } catch (const std::runtime_error& e) {
      throw UsageError(e.what());
    }
    out.run_dir = store->dir();
  }
  RunLog log(store ? store->log_path() : std::string());
  nlohmann::json config = {{"system", o.system},     {"workload", o.workload},       {"nemesis", o.nemesis},
                           {"nodes", o.nodes},       {"time_limit", o.time_limit_s}, {"ops_limit", o.ops_limit},
                           {"concurrency", o.concurrency}, {"rate", o.rate},         {"seed", o.seed},
                           {"timeout", o.timeout_s}, {"system_options", o.system_options},
                           {"model", workload->model()}, {"checkers", workload->checkers()}};
  if (auto init = workload->init()) config["init"] = *init;
  spdlog::info("test {}: {}", o.test_name, config.dump());
  if (store) std::ofstream(store->test_json_path()) << config.dump(2) << "\n";

  // From here on, everything made is undone on every exit path.
  struct LiveGuard {
    TestRun& run;
    Live& live;
    const RunStore* store;
    ~LiveGuard() {
      live.teardown(store);
      std::lock_guard<std::mutex> lock(run.live_mu_);
      run.live_ = nullptr;
    }
  } guard{*this, *live, store.get()};
  {
    std::lock_guard<std::mutex> lock(live_mu_);
    live_ = live.get();
  }

  if (!system.in_process()) {
    std::fprintf(stderr, "starting a %d-node cluster and %s…\n", o.nodes, o.system.c_str());
    // up() refuses, naming `faultline cluster down`, if an earlier run's
    // cluster is still there: it may belong to a run still going.
    live->cluster = LocalCluster::up(ClusterSpec{o.nodes, ClusterSpec{}.subnet});
    live->hosts = live->cluster->hosts();
    live->db_up = true;  // a half-started Db is still torn down
    system.db().setup(live->hosts);
    spdlog::info("{} is up on {} nodes", o.system, live->hosts.size());
  }
  if (stop_requested_.load()) out.interrupted = true;

  Recorder recorder(store ? store->history_path() : std::string());
  GeneratorOptions gopts;
  gopts.time_limit_s = o.time_limit_s;
  gopts.ops_limit = o.ops_limit;
  gopts.rate = o.rate;
  gopts.workers = o.concurrency;
  Generator generator(*workload, gopts);

  ClientOptions copts;
  copts.timeout_s = o.timeout_s;
  auto node_for = [&](std::int64_t process) -> Host* {
    if (live->hosts.empty()) return nullptr;
    return live->hosts[static_cast<std::size_t>(process) % live->hosts.size()];
  };
  std::atomic<std::int64_t> max_process{o.concurrency - 1};

  // Runs one op for `process` on `client`, recording both ends; false if the
  // slot was abandoned meanwhile (the runner recorded the completion).
  auto perform = [&](WorkerSlot& slot, std::int64_t process, Client& client, const OpSpec& op,
                     const std::string& node, Completion& c) {
    {
      std::lock_guard<std::mutex> lock(slot.mu);
      if (slot.abandoned) return false;
      slot.in_flight = true;
      slot.process = process;
      slot.op = op;
      slot.node = node;
      recorder.invoke(process, op, node);
    }
    try {
      c = client.invoke(op);
    } catch (const std::exception& e) {
      c = Completion{OpType::Info, nullptr, e.what()};
    }
    std::lock_guard<std::mutex> lock(slot.mu);
    slot.in_flight = false;
    if (slot.abandoned) return false;
    recorder.complete(process, op, c, node);
    return true;
  };

  std::vector<std::unique_ptr<WorkerSlot>> slots;
  for (int w = 0; w < o.concurrency; ++w) slots.push_back(std::make_unique<WorkerSlot>());
  std::vector<std::thread> workers;
  std::mutex errors_mu;
  std::vector<std::string> errors;

  auto worker = [&](int w) {
    WorkerSlot& slot = *slots[w];
    std::mt19937_64 rng(o.seed * 1000003 + w);
    WorkerPace pace;
    std::int64_t process = w;
    try {
      Host* node = node_for(process);
      std::string node_name = node ? node->name() : "";
      std::unique_ptr<Client> client = system.make_client(o.workload, node, copts);
      while (auto op = generator.next(pace, rng)) {
        Completion c;
        if (!perform(slot, process, *client, *op, node_name, c)) break;
        if (c.type == OpType::Info) {
          // Jepsen's rule: a process whose op is indeterminate never invokes
          // again; the worker carries on as a fresh process (and connection).
          process += o.concurrency;
          std::int64_t seen = max_process.load();
          while (process > seen && !max_process.compare_exchange_weak(seen, process)) {
          }
          node = node_for(process);
          node_name = node ? node->name() : "";
          client = system.make_client(o.workload, node, copts);
        }
      }
    } catch (const std::exception& e) {
      std::lock_guard<std::mutex> lock(errors_mu);
      errors.push_back(fmt::format("worker {}: {}", w, e.what()));
    }
    std::lock_guard<std::mutex> lock(slot.mu);
    slot.done = true;
  };

  std::unique_ptr<Progress> progress;
  if (o.progress) {
    progress = std::make_unique<Progress>(recorder, o.time_limit_s, stderr);
  }

  // The nemesis: one more worker, recording its events as process "nemesis".
  std::atomic<bool> nemesis_stop{false};
  std::thread nemesis_thread;
  std::mt19937_64 nemesis_rng(o.seed ^ 0x9e3779b97f4a7c15ULL);
  if (!o.nemesis.empty()) {
    NemesisContext ctx;
    ctx.nodes = live->hosts;
    ctx.db = &system.db();
    ctx.rng = &nemesis_rng;
    ScheduleOptions sopts{o.nemesis, o.nemesis_interval_s, o.seed};
    live->schedule = std::make_unique<NemesisSchedule>(
        ctx, sopts, [&recorder](const NemesisEvent& e) {
          spdlog::info("nemesis {} {}", e.f, e.value.dump());
          recorder.nemesis(e);
        });
  }

  generator.start();
  auto main_start = Clock::now();
  if (!out.interrupted) {
    if (progress) progress->start();
    for (int w = 0; w < o.concurrency; ++w) workers.emplace_back(worker, w);
    if (live->schedule) {
      nemesis_thread = std::thread([&] {
        try {
          live->schedule->run(nemesis_stop);
        } catch (const std::exception& e) {
          spdlog::error("nemesis: {}", e.what());
          std::lock_guard<std::mutex> lock(errors_mu);
          errors.push_back(fmt::format("nemesis: {}", e.what()));
        }
      });
    }
  }

  // Main phase: until the generator is over or Ctrl-C.
  while (!generator.over()) {
    if (stop_requested_.load()) {
      out.interrupted = true;
      generator.stop();
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  generator.stop();

  auto all_done = [&] {
    for (auto& s : slots) {
      std::lock_guard<std::mutex> lock(s->mu);
      if (!s->done) return false;
    }
    return true;
  };
  if (out.interrupted) {
    // In-flight ops get a short grace; whatever is still running is closed
    // as info, which is what it is: it may or may not happen.
    auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.drain_s));
    while (!all_done() && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    for (auto& s : slots) {
      std::lock_guard<std::mutex> lock(s->mu);
      s->abandoned = true;
      if (s->in_flight)
        recorder.complete(s->process, s->op, Completion{OpType::Info, nullptr, "interrupted"}, s->node);
    }
  }
  for (auto& t : workers) t.join();
  out.main_phase_s = std::chrono::duration<double>(Clock::now() - main_start).count();
  OutcomeCounts main_counts = recorder.counts();
  out.ops_per_s = out.main_phase_s > 0 ? (main_counts.ok + main_counts.fail + main_counts.info) / out.main_phase_s : 0;

  if (nemesis_thread.joinable()) {
    nemesis_stop.store(true);
    nemesis_thread.join();
  }
  if (live->schedule) {
    live->schedule->heal_all();
    if (!out.interrupted && !stop_requested_.load()) {
      spdlog::info("healed; quiet for {:g} s", o.quiet_s);
      auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.quiet_s));
      while (Clock::now() < until && !stop_requested_.load()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  // Final phase: the workload's closing ops, each by a fresh process.
  if (!out.interrupted && !stop_requested_.load()) {
    WorkerSlot slot;
    std::int64_t process = (max_process.load() / o.concurrency + 1) * o.concurrency;
    for (const OpSpec& op : generator.final_ops()) {
      Host* node = node_for(process);
      std::unique_ptr<Client> client = system.make_client(o.workload, node, copts);
      Completion c;
      perform(slot, process, *client, op, node ? node->name() : "", c);
      ++process;
    }
  }
  if (stop_requested_.load()) out.interrupted = true;
  if (progress) progress->stop();
  recorder.close();
  out.counts = recorder.counts();
  if (!recorder.error().empty()) spdlog::error("recording stopped: {}", recorder.error());
  for (const auto& e : errors) spdlog::error("{}", e);

  // Tear down before checking: the cluster is not needed to judge a history.
  guard.live.teardown(store.get());

  if (!store || !o.check) {
    out.valid = Validity::Unknown;
    out.exit_code = exit_code_for(out.valid);
    return out;
  }
  // Check the file, not memory: the same path as `faultline check`, so a
  // stored history re-checked gives exactly this verdict.
  History h = read_history(store->history_path(), Format::Jsonl);
  CheckOptions copts2;
  copts2.model = workload->model();
  copts2.init = workload->init();
  FileResults fr = run_checkers(h, checkers, copts2);
  write_results(store->dir(), fr.json);
  out.valid = fr.valid;
  out.results = fr.json;
  out.exit_code = exit_code_for(fr.valid);
  spdlog::info("verdict: {}", to_string(fr.valid));
  if (o.print_summary) std::cout << summarize(store->history_path(), h, fr);
  std::string line = fmt::format(
      "{}: {} — {} ops (ok {}, fail {}, info {}) in {:.1f} s, {:.0f} ops/s{}; results in {}", o.test_name,
      to_string(fr.valid), out.counts.ok + out.counts.fail + out.counts.info, out.counts.ok, out.counts.fail,
      out.counts.info, out.main_phase_s, out.ops_per_s, out.interrupted ? " (interrupted)" : "", store->dir());
  if (!errors.empty() || !recorder.error().empty())
    line += fmt::format(" (errors during the run: see {})", store->log_path());
  if (o.print_summary) std::cout << line << "\n";
  return out;
}

}  // namespace fl
