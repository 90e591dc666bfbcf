// `faultline check HISTORY…`: read each history (any format), run the chosen
// checkers, print a short summary, optionally write results.json, and exit
// with the worst verdict's code. The verdict depends on the history alone.
#include <chrono>
#include <fstream>
#include <iostream>
#include <stdexcept>

#include <fmt/format.h>

#include "checkers/registry.h"
#include "harness/commands.h"
#include "harness/results.h"
#include "history/error.h"
#include "history/format.h"

namespace fl {
namespace {

struct CheckArgs {
  std::vector<std::string> files;
  std::vector<std::string> checkers;
  std::string model;
  std::string init;
  std::string format = "auto";
  std::string out_dir;
  bool json = false;
  double time_limit = 0;
  std::size_t memory_limit = 0;
  unsigned threads = 0;
  // The transactional checkers' settings (Elle's options).
  std::vector<std::string> consistency_models, anomalies;
  bool sequential_keys = false, linearizable_keys = false, wfr_keys = false;
};

// A history of transactions ("txn" ops, or micro-op lists) with no --checker
// gets the Elle checker its micro-ops call for.
std::string default_checker_for(const History& h) {
  bool txns = false, appends = false;
  for (const OpPair& p : h.pairs()) {
    const Op& inv = h[p.invoke];
    if (inv.f != "txn") return "";
    txns = true;
    const Op& src = p.complete >= 0 && h[p.complete].value.is_array() ? h[p.complete] : inv;
    if (src.value.is_array())
      for (const Json& m : src.value)
        if (m.is_array() && !m.empty() && m[0] == "append") appends = true;
  }
  return !txns ? "" : appends ? "txn-list-append" : "txn-rw-register";
}

std::vector<const Checker*> select_checkers(const CheckArgs& a) {
  std::vector<std::string> names = a.checkers;
  if (names.empty()) names.push_back(find_checker("linearizable") ? "linearizable" : "stats");
  std::vector<const Checker*> out;
  for (const auto& n : names) {
    const Checker* c = find_checker(n);
    if (!c) {
      std::string known;
      for (const Checker* k : all_checkers()) known += (known.empty() ? "" : ", ") + k->name();
      throw UsageError(fmt::format("unknown checker \"{}\" (known: {})", n, known));
    }
    out.push_back(c);
  }
  return out;
}

int run_check(const CheckArgs& a) {
  auto format = parse_format(a.format);
  if (!format) throw UsageError(fmt::format("unknown format \"{}\" (auto, jsonl, json, edn, porcupine)", a.format));
  CheckOptions opts;
  opts.model = a.model;
  opts.time_limit_s = a.time_limit;
  opts.memory_limit_mb = a.memory_limit;
  opts.threads = a.threads;
  if (!a.init.empty()) {
    try {
      opts.init = Json::parse(a.init);
    } catch (const Json::exception&) {
      throw UsageError(fmt::format("--init must be JSON, got: {}", a.init));
    }
  }
  if (!a.consistency_models.empty()) opts.params["consistency-models"] = a.consistency_models;
  if (!a.anomalies.empty()) opts.params["anomalies"] = a.anomalies;
  if (a.sequential_keys) opts.params["sequential-keys"] = true;
  if (a.linearizable_keys) opts.params["linearizable-keys"] = true;
  if (a.wfr_keys) opts.params["wfr-keys"] = true;
  std::vector<const Checker*> checkers = a.checkers.empty() ? std::vector<const Checker*>{} : select_checkers(a);

  Validity overall = Validity::Valid;
  Json files = Json::object();
  Json last;
  for (const std::string& path : a.files) {
    History h = read_history(path, *format);
    std::vector<const Checker*> chosen = checkers;
    if (chosen.empty()) {
      std::string txn_checker = default_checker_for(h);
      if (txn_checker.empty()) {
        chosen = select_checkers(a);
      } else {
        CheckArgs txn_args = a;
        txn_args.checkers = {txn_checker};
        chosen = select_checkers(txn_args);
      }
    }
    FileResults fr;
    try {
      fr = run_checkers(h, chosen, opts);
    } catch (const std::invalid_argument& e) {
      // Checkers refuse a model name or an --init they do not know this way:
      // a mistake in the command line, not in the data.
      throw UsageError(e.what());
    }
    overall = worst(overall, fr.valid);
    if (!a.json) std::cout << summarize(path, h, fr);
    last = fr.json;
    files[path] = fr.json;
  }
  // One history: DESIGN.md's shape. Several: the overall verdict, and that
  // shape per file.
  Json results = a.files.size() == 1 ? last : Json{{"valid", validity_json(overall)}, {"files", files}};
  if (a.json) std::cout << results.dump(2) << "\n";
  if (!a.out_dir.empty()) write_results(a.out_dir, results);
  return exit_code_for(overall);
}

}  // namespace

void add_check_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<CheckArgs>();
  CLI::App* cmd = app.add_subcommand("check", "Check recorded histories (JSONL, Jepsen EDN, Jepsen/Porcupine logs)");
  cmd->add_option("history", args->files, "History files")->required()->check(CLI::ExistingFile);
  cmd->add_option("--model,-m", args->model, "Linearizability model (see `faultline list`)");
  cmd->add_option("--init", args->init, "Initial state of the model, as JSON");
  cmd->add_option("--checker,-c", args->checkers, "Checkers to run (comma-separated or repeated)")
      ->delimiter(',');
  cmd->add_option("--format,-f", args->format, "auto | jsonl | json (elle-cli) | edn | porcupine")->capture_default_str();
  cmd->add_flag("--json", args->json, "Print results.json on stdout instead of the summary");
  cmd->add_option("--out,--report", args->out_dir, "Write results.json (and the report) into this folder");
  cmd->add_option("--time-limit", args->time_limit, "Seconds before a checker answers unknown (0 = none)");
  cmd->add_option("--memory-limit", args->memory_limit, "MB before a checker answers unknown (0 = none)");
  cmd->add_option("--threads,-j", args->threads, "Threads for independent parts (0 = all cores)");
  cmd->add_option("--consistency-models", args->consistency_models,
                  "Transactions: models the history must satisfy (default strict-serializable)")
      ->delimiter(',');
  cmd->add_option("--anomalies", args->anomalies, "Transactions: more anomalies to forbid (G0, G1c, …)")
      ->delimiter(',');
  cmd->add_flag("--sequential-keys", args->sequential_keys,
                "rw-register: assume each key is sequentially consistent (version order from process order)");
  cmd->add_flag("--linearizable-keys", args->linearizable_keys,
                "rw-register: assume each key is linearizable (version order from real-time order)");
  cmd->add_flag("--wfr-keys", args->wfr_keys, "rw-register: assume writes follow reads within a transaction");
  cmd->callback([args, &exit_code] { exit_code = run_check(*args); });
}

}  // namespace fl
