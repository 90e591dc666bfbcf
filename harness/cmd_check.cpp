// `faultline check HISTORY…`: read each history (any format), run the chosen
// checkers, print a short summary, optionally write results.json and the
// report (--out DIR), and exit with the worst verdict's code. The verdict
// depends on the history alone.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>

#include <fmt/format.h>

#include "checkers/availability.h"
#include "checkers/models/model.h"
#include "checkers/registry.h"
#include "checkers/txn/checks.h"
#include "checkers/txn/stream.h"
#include "harness/commands.h"
#include "harness/report_files.h"
#include "harness/results.h"
#include "harness/streamed_check.h"
#include "history/error.h"
#include "history/format.h"
#include "history/op_stream.h"

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
  std::string availability;  // --availability: "total" or a fraction; "" = no target
  bool sequential_keys = false, linearizable_keys = false, wfr_keys = false;
};

// What a history checked with neither --checker nor --model is checked by.
struct DefaultCheck {
  std::string checker;  // "" = linearizable (or stats)
  std::string model;    // "" = the checker's own default
};

// A history of transactions ("txn" ops, or micro-op lists) gets the Elle
// checker its micro-ops call for — unless they are Knossos's "read"/"write"
// (Elle says "r"/"w"): that is a multi-register history, checked for
// linearizability.
DefaultCheck default_checker_for(const History& h) {
  bool txns = false, appends = false, knossos = false;
  for (const OpPair& p : h.pairs()) {
    const Op& inv = h[p.invoke];
    if (inv.f != "txn") return {};
    txns = true;
    for (const Op* op : {&inv, p.complete >= 0 ? &h[p.complete] : nullptr}) {
      if (!op || !op->value.is_array()) continue;
      for (const Json& m : op->value) {
        if (!m.is_array() || m.empty()) continue;
        if (m[0] == "append") appends = true;
        if (m[0] == "read" || m[0] == "write") knossos = true;
      }
    }
  }
  if (!txns) return {};
  if (knossos) return {"", "multi-register"};
  return {appends ? "txn-list-append" : "txn-rw-register", ""};
}

std::vector<const Checker*> select_checkers(const CheckArgs& a) {
  std::vector<std::string> names = a.checkers;
  if (names.empty()) names.push_back(find_checker("linearizable") ? "linearizable" : "stats");
  std::vector<const Checker*> out;
  for (const auto& n : names) {
    const Checker* c = find_checker(n);
    if (!c) throw UsageError(unknown_name("checker", n, list_checkers()));
    out.push_back(c);
  }
  return out;
}

// One history's report in --out: report.html, or report-<k>.html (and no
// image files, which would collide) when several histories share the folder.
std::string write_check_report(const CheckArgs& a, const History& h, const FileResults& fr, const std::string& path,
                               std::size_t k) {
  ReportRequest req;
  req.dir = a.out_dir;
  req.history = &h;
  req.results = fr.file.to_json();
  req.settings = {{"command", "faultline check"}, {"history", path}, {"format", a.format}};
  if (!a.model.empty()) req.settings["model"] = a.model;
  if (!a.init.empty()) req.settings["init"] = a.init;
  Json checkers = Json::array();
  for (const auto& [name, cr] : fr.by_checker) checkers.push_back(name);
  req.settings["checkers"] = checkers;
  req.title = std::filesystem::path(path).filename().string();
  const bool several = a.files.size() > 1;
  req.html_name = several ? fmt::format("report-{}.html", k + 1) : "report.html";
  req.plots = !several;
  std::error_code ec;
  req.extra_files = {std::filesystem::absolute(path, ec).string(), "results.json"};
  ReportWritten w = write_report(req);
  for (const std::string& warning : w.warnings) std::cerr << "faultline: " << warning << "\n";
  return w.html_path;
}

// A history of transactions (JSON Lines, EDN or elle-cli JSON) checked by a
// txn checker alone is streamed into the checker's compact Txns, never held
// as a History (checkers/txn/stream.h): same verdict, explanations and
// errors, a fraction of the memory. With no --checker (and no --model, which
// names a linearizability model), the history decides
// as for a History (default_checker_for); a history that is not all
// transactions, or whose micro-ops are malformed, is read again the ordinary
// way, which then decides and words any error. The report (--out) draws the
// whole history, so it takes the ordinary way too. nullopt: not streamed.
std::optional<FileResults> check_streamed(const CheckArgs& a, const std::vector<const Checker*>& checkers,
                                          Format format, const CheckOptions& opts, const std::string& path) {
  if (!a.out_dir.empty() || checkers.size() > 1 || (checkers.empty() && !a.model.empty()) || !a.availability.empty())
    return std::nullopt;
  std::optional<txn::ReadShape> shape =
      checkers.empty() ? std::optional<txn::ReadShape>(txn::ReadShape::List) : txn::txn_checker_shape(checkers[0]->name());
  if (!shape || !can_stream(path, format)) return std::nullopt;
  std::optional<txn::StreamedTxns> streamed =
      checkers.empty() ? txn::stream_default_txns(path, format) : txn::stream_txns(path, format, *shape);
  if (!streamed) return std::nullopt;
  const txn::StreamedTxns& s = *streamed;
  FileResults fr;
  auto t0 = std::chrono::steady_clock::now();
  try {
    add_result(fr, txn::txn_checker_name(s.shape), txn::check_txns(s.shape, s.txns, opts));
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  fr.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!a.json) std::cout << summarize(path, static_cast<std::size_t>(s.events), static_cast<std::size_t>(s.operations), fr);
  return fr;
}

// A kv history checked for linearizability (with --model kv), or any history
// checked by a transactional checker, with beside it only checkers that can
// judge a stream (`stats`, say), is streamed (harness/streamed_check.h): a
// kv key's ops are held only until a point where none of them is open, the
// transactions as compact Txns, so memory follows the keys in use or the
// transactions, not the history's every op; same verdicts and
// counterexamples as the in-memory check. So is a history whose every checker
// has an online form that gives exactly its offline result (`set,stats`,
// `broadcast`, the counters, `unique-ids`): fed op by op, memory follows what
// those checkers keep, and the output is the in-memory check's, word for
// word. The report (--out) draws the whole history, so it takes the ordinary
// way. nullopt: not streamed.
std::optional<FileResults> check_named_streamed(const CheckArgs& a, std::vector<const Checker*> checkers,
                                                Format format, const CheckOptions& opts, const std::string& path) {
  if (!a.out_dir.empty() || !a.availability.empty()) return std::nullopt;
  if (checkers.empty() && a.model == "kv") checkers = {find_checker("linearizable")};
  const bool pays = std::any_of(checkers.begin(), checkers.end(), [&](const Checker* c) {
    return txn::txn_checker_shape(c->name()) || (c->name() == "linearizable" && a.model == "kv");
  });
  if (!pays && !online_exactly(checkers, opts)) return std::nullopt;
  StreamCounts counts;
  std::optional<FileResults> fr;
  try {
    fr = check_streamed_file(path, format, checkers, opts, &counts);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  if (fr && !a.json)
    std::cout << summarize(path, static_cast<std::size_t>(counts.events), static_cast<std::size_t>(counts.operations), *fr);
  return fr;
}

int run_check(const CheckArgs& a) {
  auto format = parse_format(a.format);
  if (!format) throw UsageError(fmt::format("unknown format \"{}\" (auto, jsonl, json, edn, porcupine)", a.format));
  // CLI11 reads "nan" and "inf"; the checkers make a deadline of it.
  if (!std::isfinite(a.time_limit)) throw UsageError("--time-limit must be a finite number of seconds");
  if (!a.model.empty() && !find_model(a.model)) throw UsageError(unknown_name("model", a.model, list_models()));
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
  if (!a.availability.empty()) {
    try {
      opts.params["availability"] = parse_availability(a.availability);
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
  }
  std::vector<const Checker*> checkers = a.checkers.empty() ? std::vector<const Checker*>{} : select_checkers(a);

  Validity overall = Validity::Valid;
  ResultsFile several;  // several histories: each one's results under its path
  several.valid = Validity::Valid;
  std::vector<std::string> reports;
  for (std::size_t k = 0; k < a.files.size(); ++k) {
    const std::string& path = a.files[k];
    std::optional<FileResults> streamed = check_streamed(a, checkers, *format, opts, path);
    if (!streamed) streamed = check_named_streamed(a, checkers, *format, opts, path);
    if (streamed) {
      FileResults& fr = *streamed;
      overall = worst(overall, fr.valid);
      several.files.emplace_back(path, fr.file);
      continue;
    }
    History h = read_history(path, *format);
    std::vector<const Checker*> chosen = checkers;
    CheckOptions file_opts = opts;
    if (chosen.empty() && a.model.empty()) {
      DefaultCheck d = default_checker_for(h);
      CheckArgs default_args = a;
      if (!d.checker.empty()) default_args.checkers = {d.checker};
      file_opts.model = d.model;
      chosen = select_checkers(default_args);
    } else if (chosen.empty()) {
      chosen = select_checkers(a);  // --model names a linearizability model
    }
    const Checker* availability = find_checker("availability");
    if (!a.availability.empty() && std::find(chosen.begin(), chosen.end(), availability) == chosen.end())
      chosen.push_back(availability);
    FileResults fr;
    try {
      fr = run_checkers(h, chosen, file_opts);
    } catch (const std::invalid_argument& e) {
      // Checkers refuse a model name or an --init they do not know this way:
      // a mistake in the command line, not in the data.
      throw UsageError(e.what());
    }
    overall = worst(overall, fr.valid);
    if (!a.json) std::cout << summarize(path, h, fr);
    several.files.emplace_back(path, fr.file);
    if (!a.out_dir.empty()) reports.push_back(write_check_report(a, h, fr, path, k));
  }
  // One history: DESIGN.md's shape. Several: the overall verdict, and that
  // shape per file.
  several.valid = overall;
  const ResultsFile results = a.files.size() == 1 ? several.files.back().second : several;
  if (a.json) std::cout << results.to_json().dump(2) << "\n";
  if (!a.out_dir.empty()) {
    write_results(a.out_dir, results);
    // The path last, on stdout unless stdout carries the JSON.
    for (const std::string& r : reports) (a.json ? std::cerr : std::cout) << "report: " << r << "\n";
  }
  return exit_code_for(overall);
}

}  // namespace

void add_check_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<CheckArgs>();
  CLI::App* cmd = app.add_subcommand("check", "Check recorded histories (JSONL, Jepsen EDN, Jepsen/Porcupine logs)");
  cmd->add_option("history", args->files, "History files")->required()->check(CLI::ExistingFile);
  cmd->add_option("--model,-m", args->model, "Linearizability model (see `faultline list`)");
  cmd->add_option("--init", args->init,
                  "Initial state of the model, as JSON; for transactions only '{}': every key started absent, so a "
                  "read of a value nobody wrote is an anomaly (else it may be the initial state)");
  cmd->add_option("--checker,-c", args->checkers, "Checkers to run (comma-separated or repeated)")
      ->delimiter(',');
  cmd->add_option("--format,-f", args->format, "auto | jsonl | json (elle-cli) | edn | porcupine")->capture_default_str();
  cmd->add_flag("--json", args->json, "Print results.json on stdout instead of the summary");
  cmd->add_option("--out,--report", args->out_dir, "Write results.json (and the report) into this folder");
  cmd->add_option("--time-limit", args->time_limit, "Seconds before a checker answers unknown (0 = none)");
  cmd->add_option("--memory-limit", args->memory_limit, "MB the linearizability search may hold before it answers unknown (0 = a quarter of this machine's memory)");
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
  cmd->add_option("--availability", args->availability,
                  "Also require this share of the ops to succeed: total, or a fraction from 0 to 1 (Maelstrom's option)");
  cmd->add_flag("--wfr-keys", args->wfr_keys, "rw-register: assume writes follow reads within a transaction");
  cmd->callback([args, &exit_code] { exit_code = run_check(*args); });
}

}  // namespace fl
