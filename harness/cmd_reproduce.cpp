// `faultline reproduce RUN_DIR`: makes a transactional anomaly of a
// PostgreSQL run happen again without faultline (harness/replay.h). Checks
// the run's history with its own checker, takes the anomaly's cycle and the
// transactions whose writes it read or overwrote, writes their statements
// (from wire.jsonl) as a bash script that needs only psql, and runs it
// `--runs` times against a throwaway PostgreSQL on 127.0.0.1 (configured as
// the run's server was), checking each replay's answers as a history. When
// no replay shows the anomaly, it widens the window of transactions step by
// step (everything overlapping them, then ±10 ms, ±100 ms, ±1 s, ±10 s, the
// whole history) until one does. Exit 1: a replay showed it (the script is
// at --out); 2: none did; 64: refused (no SQL system, no wire log, no
// transactional anomaly, not root).
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "checkers/registry.h"
#include "checkers/results_file.h"
#include "cluster/local_host.h"
#include "cluster/process.h"
#include "harness/commands.h"
#include "harness/interrupts.h"
#include "harness/replay.h"
#include "harness/run_folder.h"
#include "history/format.h"
#include "systems/postgres/postgres_db.h"

namespace fl {

namespace fs = std::filesystem;

namespace {

struct ReproduceCommand {
  std::string run_dir;
  std::string out;
  int runs = 10;
  int anomaly = 1;
  double block_ms = 20;
  int port = 55434;
  double wait_s = 10;
  double block_wait_s = 1;
  std::string order = "answers";
  int max_steps = 7;
};

// "G2-item-realtime" and "G2-item" are one anomaly for a replay, whose
// clock is not the run's.
std::string base_kind(const std::string& kind) {
  for (const char* suffix : {"-realtime", "-process"}) {
    std::string s(suffix);
    if (kind.size() > s.size() && kind.compare(kind.size() - s.size(), s.size(), s) == 0)
      return kind.substr(0, kind.size() - s.size());
  }
  return kind;
}

struct Replayed {
  bool recurred = false;        // the anomaly's kind showed
  bool same = false;            // with the run's own transactions
  std::set<std::string> kinds;  // every anomaly kind the replay showed
  int unanswered = 0;
  double seconds = 0;
  std::string problem;          // the replay could not be judged
};

int run_reproduce(const ReproduceCommand& c) {
  const fs::path dir(c.run_dir);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw UsageError(fmt::format("{} is not a folder of the store", c.run_dir));
  std::optional<Json> settings = read_run_json(dir / "test.json");
  if (!settings) throw UsageError(fmt::format("{} has no test.json: is it a run's folder (store/<test>/<time>)?", c.run_dir));
  const std::string system = settings->value("system", ""), workload = settings->value("workload", "");
  if (system != "postgres")
    throw UsageError(fmt::format("{} is a run of {}, not of an SQL system: reproduce replays SQL statements, which "
                                 "only --system postgres runs send",
                                 c.run_dir, system.empty() ? "no named system" : system));
  if (workload != "list-append" && workload != "rw-register")
    throw UsageError(fmt::format("{} ran the {} workload: reproduce replays transactions of list-append or "
                                 "rw-register",
                                 c.run_dir, workload));
  if (!fs::exists(dir / "wire.jsonl") || fs::file_size(dir / "wire.jsonl", ec) == 0)
    throw UsageError(fmt::format("{} has no wire log (wire.jsonl): the run recorded no statements to replay",
                                 c.run_dir));
  if (c.runs < 1) throw UsageError("--runs must be at least 1");
  if (c.anomaly < 1) throw UsageError("--anomaly counts from 1");
  if (c.order != "answers" && c.order != "sends") throw UsageError("--order is answers or sends, not " + c.order);

  // The run's history, checked again with its checker and its models.
  const std::string checker_name = workload == "list-append" ? "txn-list-append" : "txn-rw-register";
  const Checker* checker = find_checker(checker_name);
  if (!checker) throw UsageError(fmt::format("this faultline has no {} checker", checker_name));
  CheckOptions copts;
  if (std::optional<Json> results = read_run_json(dir / "results.json")) {
    const Json entry = results->value("checkers", Json::object()).value(checker_name, Json::object());
    if (entry.contains("consistency-models")) copts.params["consistency-models"] = entry["consistency-models"];
  }
  History run = read_history((dir / "history.jsonl").string(), Format::Jsonl);
  CheckResult original = checker->check(run, copts);
  std::vector<Json> cycles;
  for (const Json& a : original.detail.value("anomalies", Json::array()))
    if (a.contains("cycle") && a.contains("ops")) cycles.push_back(a);
  if (cycles.empty())
    throw UsageError(fmt::format("{} has no transactional anomaly with a cycle to replay ({} finds it {})", c.run_dir,
                                 checker_name, to_string(original.valid)));
  if (c.anomaly > static_cast<int>(cycles.size()))
    throw UsageError(fmt::format("--anomaly {}: the run has only {} cycle{}", c.anomaly, cycles.size(),
                                 cycles.size() == 1 ? "" : "s"));
  const Json& target = cycles[c.anomaly - 1];
  const std::string kind = target.value("kind", "");
  std::vector<std::int64_t> cycle_ops = target["ops"].get<std::vector<std::int64_t>>();
  std::set<std::int64_t> cycle_invokes;
  {
    std::map<std::int64_t, std::int64_t> inv;
    for (const OpPair& p : run.pairs()) {
      inv[run[p.invoke].index] = run[p.invoke].index;
      if (p.complete >= 0) inv[run[p.complete].index] = run[p.invoke].index;
    }
    for (std::int64_t o : cycle_ops)
      if (inv.count(o)) cycle_invokes.insert(inv[o]);
  }
  std::cout << fmt::format("{} ({} {}), {}: {}\n", c.run_dir, system, workload,
                           cycles.size() == 1 ? "its one cycle" : fmt::format("cycle {} of {}", c.anomaly, cycles.size()),
                           target.value("explanation", ""));

  if (::geteuid() != 0)
    throw UsageError("reproduce starts a throwaway PostgreSQL as the postgres user: run it as root (sudo)");
  PostgresOptions popts;
  popts.data_root = fmt::format("/tmp/fl-reproduce-{}", ::getpid());
  popts.port = c.port;
  PostgresDb db(popts);
  if (std::string why = db.unavailable(); !why.empty()) throw UsageError(why);
  if (find_program("psql").empty()) throw UsageError("psql is not installed: install postgresql-client");

  // A replay's clock is its own, and a statement queued behind a lock wait
  // has no exact start: its real-time order says little. Unless the anomaly
  // is a real-time one, replays are judged as serializable (no real time).
  CheckOptions replay_opts = copts;
  if (kind.find("-realtime") == std::string::npos) replay_opts.params["consistency-models"] = Json::array({"serializable"});

  const fs::path out_dir = dir / "reproduce";
  fs::create_directories(out_dir, ec);
  if (ec) throw UsageError(fmt::format("cannot create {}: {}", out_dir.string(), ec.message()));
  const std::string out = c.out.empty() ? (dir / "reproduce.sh").string() : c.out;

  const std::map<std::int64_t, std::vector<WireExchange>> wire = read_wire_log((dir / "wire.jsonl").string(), {});
  const Json isolation = settings->value("opt", Json::object()).value("isolation", Json("serializable"));

  LocalHost local;
  std::vector<Host*> hosts{&local};
  struct Teardown {
    PostgresDb& db;
    std::vector<Host*>& hosts;
    std::string root;
    ~Teardown() {
      db.teardown(hosts);
      run_process({"rm", "-rf", root}, RunOptions{std::chrono::seconds(30), "", {}});
    }
  } teardown{db, hosts, popts.data_root};
  // Ctrl-C stops after the replay under way; the server is torn down either way.
  std::atomic<bool> stop{false};
  InterruptWatcher interrupts([&stop] { stop = true; }, [&stop] { stop = true; });
  db.setup(hosts);
  RunResult version = run_process({"psql", "-X", "-A", "-t", "-h", "127.0.0.1", "-p", std::to_string(c.port), "-U",
                                   "postgres", "-d", "postgres", "-c", "SHOW server_version"},
                                  RunOptions{std::chrono::seconds(30), "", {}});
  std::string server_version = version.ok() ? last_output_line(version.out) : "unknown";
  std::cout << fmt::format("replaying against a throwaway PostgreSQL {} on 127.0.0.1:{}, {} time{} per step\n",
                           server_version, c.port, c.runs, c.runs == 1 ? "" : "s")
            << std::flush;

  struct Window {
    std::string name;
    std::int64_t margin_ns;  // -2: the narrow set itself
  };
  const std::vector<Window> windows = {{"the cycle, the writes it read or overwrote, the first readers of its appends", -2},
                                       {"and every transaction overlapping them", 0},
                                       {"±10 ms", 10'000'000},
                                       {"±100 ms", 100'000'000},
                                       {"±1 s", 1'000'000'000},
                                       {"±10 s", 10'000'000'000},
                                       {"the whole history", -1}};
  const std::set<std::int64_t> narrow = anomaly_transactions(run, cycle_ops);
  std::set<std::int64_t> previous;
  Json steps = Json::array();
  PlanOptions plan_opts;
  plan_opts.block_ns = static_cast<std::int64_t>(c.block_ms * 1e6);
  plan_opts.order = c.order == "sends" ? PlanOptions::Sends : PlanOptions::Answers;
  int step_no = 0;
  bool recurred = false;
  for (const Window& w : windows) {
    std::set<std::int64_t> chosen = w.margin_ns == -2 ? narrow : transactions_within(run, narrow, w.margin_ns);
    if (chosen == previous) continue;
    if (step_no == c.max_steps) {
      std::cout << fmt::format("stopped after {} step{} (--steps)\n", step_no, step_no == 1 ? "" : "s");
      break;
    }
    previous = chosen;
    ++step_no;
    ReplayPlan plan = plan_replay(run, chosen, wire, plan_opts);
    ScriptHeader header;
    header.title = fmt::format("Replays {} of a faultline run ({} {}, isolation {}) with psql alone:\n{} transactions "
                               "chosen ({}), statements in the order the run {} them.",
                               kind, system, workload, isolation.is_string() ? isolation.get<std::string>() : isolation.dump(),
                               chosen.size(), w.name, c.order == "sends" ? "sent" : "got the answers to");
    header.notes = {
        "",
        fmt::format("The anomaly: {}", target.value("explanation", "")),
        "",
        "The run's server: PostgreSQL (Debian's), initdb --locale=C -E UTF8, then in postgresql.conf:",
        "  max_connections = 300, wal_level = replica, max_wal_senders = 10, hot_standby = on,",
        "  deadlock_timeout = '100ms'; everything else as initdb leaves it. The isolation level is in",
        "  each BEGIN below.",
    };
    if (!plan.missing.empty())
      header.notes.push_back(fmt::format("{} chosen transaction{} sent nothing the wire log kept (left out).",
                                         plan.missing.size(), plan.missing.size() == 1 ? "" : "s"));
    const fs::path script = out_dir / fmt::format("step-{}.sh", step_no);
    {
      std::ofstream f(script);
      f << replay_script(plan, header);
      if (!f) throw UsageError(fmt::format("cannot write {}", script.string()));
    }
    fs::permissions(script, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                    fs::perm_options::add, ec);

    int hits = 0, same = 0, unanswered = 0;
    double seconds = 0;
    std::set<std::string> kinds;
    std::string problem;
    for (int i = 0; i < c.runs && !stop; ++i) {
      RunOptions o;
      // Room for every statement to wait out its short wait, and a few the long one.
      o.timeout = std::chrono::seconds(120 + static_cast<long>(plan.statements.size() * (0.05 + c.block_wait_s)) +
                                       static_cast<long>(c.wait_s * 10));
      o.env = {{"FL_WAIT", fmt::format("{:g}", c.wait_s)}, {"FL_BLOCK", fmt::format("{:g}", c.block_wait_s)}};
      auto t0 = std::chrono::steady_clock::now();
      RunResult r = run_process({"bash", script.string(), "127.0.0.1", std::to_string(c.port), "postgres"}, o);
      seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (stop) break;
      if (!r.ok()) {
        problem = r.timed_out ? "the script timed out" : fmt::format("the script exited {}: {}", r.exit_code, last_output_line(r.err));
        break;
      }
      {
        std::ofstream f(out_dir / fmt::format("step-{}-replay-{}.out", step_no, i + 1));
        f << r.out;
      }
      ReplayHistory rh = replay_history(plan, run, r.out);
      unanswered += rh.unanswered;
      CheckResult checked = checker->check(rh.history, replay_opts);
      bool hit = false, hit_same = false;
      for (const Json& a : checked.detail.value("anomalies", Json::array())) {
        std::string k = a.value("kind", "");
        kinds.insert(k);
        if (base_kind(k) != base_kind(kind)) continue;
        hit = true;
        std::set<std::int64_t> origin;
        for (const Json& o2 : a.value("ops", Json::array())) {
          auto it = rh.origin.find(o2.get<std::int64_t>());
          if (it != rh.origin.end()) origin.insert(it->second);
        }
        hit_same |= origin == cycle_invokes;
      }
      for (const Json& t : checked.detail.value("anomaly-types", Json::array())) kinds.insert(t.get<std::string>());
      hits += hit;
      same += hit_same;
    }
    std::string kinds_text;
    for (const std::string& k : kinds) kinds_text += (kinds_text.empty() ? "" : ", ") + k;
    std::cout << fmt::format("  {}. {}: {} transactions, {} statements ({} sent without waiting), {:.1f} s a replay: ",
                             step_no, w.name, plan.ops.size(), plan.statements.size(), plan.blocked.size(),
                             seconds / c.runs);
    if (stop) {
      std::cout << "stopped (Ctrl-C)\n";
      return exit_code::kUnknown;
    }
    if (!problem.empty())
      std::cout << "not judged — " << problem << "\n";
    else
      std::cout << fmt::format("{} of {} replays show {}{}{}{}\n", hits, c.runs, kind,
                               hits ? fmt::format(" ({} with the run's own cycle)", same) : "",
                               kinds_text.empty() ? "; no anomaly" : "; seen: " + kinds_text,
                               unanswered ? fmt::format("; {} statements unanswered", unanswered) : "");
    std::cout << std::flush;
    steps.push_back({{"window", w.name},
                     {"transactions", plan.ops.size()},
                     {"statements", plan.statements.size()},
                     {"sent-without-waiting", plan.blocked.size()},
                     {"replays", c.runs},
                     {"showed", hits},
                     {"same-cycle", same},
                     {"kinds", kinds},
                     {"seconds-per-replay", seconds / c.runs},
                     {"problem", problem},
                     {"script", script.string()}});
    {
      std::ofstream f(out_dir / "steps.json");
      f << steps.dump(2) << "\n";
    }
    if (!problem.empty()) {
      std::cerr << fmt::format("faultline: the replay of step {} could not be judged: {}\n", step_no, problem);
      return exit_code::kUnknown;
    }
    if (hits > 0) {
      fs::copy_file(script, out, fs::copy_options::overwrite_existing, ec);
      if (ec) throw UsageError(fmt::format("cannot write {}: {}", out, ec.message()));
      recurred = true;
      std::cout << fmt::format("{} recurred in {} of {} replays of {} transactions; the script: {}\n", kind, hits,
                               c.runs, plan.ops.size(), out);
      std::cout << fmt::format("run it: bash {} HOST PORT [USER]   (a fresh PostgreSQL; it recreates {})\n", out,
                               plan.table);
      break;
    }
  }
  if (!recurred) {
    std::cout << fmt::format("{} did not recur in any window tried; the scripts are in {}\n", kind, out_dir.string());
    return exit_code::kUnknown;
  }
  return exit_code::kInvalid;
}

}  // namespace

void add_reproduce_command(CLI::App& app, int& exit_code) {
  auto c = std::make_shared<ReproduceCommand>();
  CLI::App* cmd = app.add_subcommand(
      "reproduce", "Replay a PostgreSQL run's anomaly as a psql-only script and see how often it recurs");
  cmd->add_option("run_dir", c->run_dir, "The run's folder (e.g. store/latest)")->required();
  cmd->add_option("--runs", c->runs, "Replays of each window")->capture_default_str();
  cmd->add_option("--out", c->out, "Where the script that made it recur goes (default RUN_DIR/reproduce.sh)");
  cmd->add_option("--anomaly", c->anomaly, "Which of the run's cycles, counting from 1")->capture_default_str();
  cmd->add_option("--block-ms", c->block_ms,
                  "A statement whose answer took this long while others were answered is sent without waiting")
      ->capture_default_str();
  cmd->add_option("--port", c->port, "The throwaway server's port on 127.0.0.1")->capture_default_str();
  cmd->add_option("--wait", c->wait_s, "Seconds the script waits for an answer it owes before giving up on it")
      ->capture_default_str();
  cmd->add_option("--block-wait", c->block_wait_s,
                  "Seconds the script waits for an answer before going on without it (a lock wait)")
      ->capture_default_str();
  cmd->add_option("--steps", c->max_steps, "Windows tried at most (1: the cycle and its neighbours only)")
      ->capture_default_str();
  cmd->add_option("--order", c->order,
                  "answers: statements in the order their answers arrived in the run; sends: the order they were sent")
      ->capture_default_str();
  cmd->callback([c, &exit_code] { exit_code = run_reproduce(*c); });
}

}  // namespace fl
