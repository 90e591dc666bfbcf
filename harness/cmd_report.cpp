// `faultline report RUN_DIR`: rebuild a stored run's report.html (and its
// plots) from history.jsonl, results.json and test.json alone, print where
// it is, and exit with the verdict's code. A run without results.json (a
// second Ctrl-C) gets a report whose verdict says it was never checked.
// A long history is read op by op and summarized (harness/report_files.h).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include <fmt/format.h>

#include "checkers/results_file.h"
#include "harness/commands.h"
#include "harness/report_files.h"
#include "harness/results.h"
#include "harness/run_folder.h"
#include "history/error.h"
#include "history/format.h"
#include "history/op_stream.h"

namespace fl {

namespace fs = std::filesystem;

namespace {

int run_report(const std::string& run_dir) {
  const fs::path dir(run_dir);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw UsageError(fmt::format("{} is not a folder of the store", run_dir));
  const fs::path history_path = dir / "history.jsonl";
  if (!fs::exists(history_path, ec))
    throw UsageError(fmt::format("{} has no history.jsonl: is it a run's folder (store/<test>/<time>)?", run_dir));
  // A history that likely has more than report_full_ops() ops (faultline
  // writes about 200 bytes an op) is streamed, never held whole; should it
  // turn out shorter, write_report reads it whole after all.
  std::optional<History> h;
  const auto bytes = fs::file_size(history_path, ec);
  const bool stream = !ec && static_cast<double>(bytes) > 150.0 * static_cast<double>(report_full_ops()) &&
                      can_stream(history_path.string(), Format::Jsonl);
  if (!stream) h = read_history(history_path.string(), Format::Jsonl);
  std::optional<Json> results = read_run_json(dir / "results.json");
  std::optional<Json> settings = read_run_json(dir / "test.json");

  ReportRequest req;
  req.dir = dir.string();
  req.history = h ? &*h : nullptr;
  req.history_path = history_path.string();
  ResultsFile unchecked;
  unchecked.valid = Validity::Unknown;
  unchecked.note = "this run was never checked (no results.json)";
  req.results = results ? *results : unchecked.to_json();
  req.settings = settings ? *settings : Json::object();
  const fs::path abs = fs::absolute(dir, ec).lexically_normal();
  const fs::path named = abs.filename().empty() ? abs.parent_path() : abs;
  const Json& test_name = req.settings.contains("test_name") ? req.settings["test_name"] : Json();
  req.title = test_name.is_string() ? test_name.get<std::string>()
                                    : named.parent_path().filename().string() + "/" + named.filename().string();
  ReportWritten w = write_report(req);
  for (const std::string& warning : w.warnings) std::cerr << "faultline: " << warning << "\n";
  if (!results) std::cerr << "faultline: " << run_dir << " has no results.json; the report shows no verdict\n";
  std::cout << "report: " << w.html_path << "\n";
  return exit_code_for(results ? ResultsFile::from_json(*results).valid : Validity::Unknown);
}

}  // namespace

void add_report_command(CLI::App& app, int& exit_code) {
  auto dir = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("report", "Rebuild a stored run's report.html from its history, results and settings");
  cmd->add_option("run_dir", *dir, "The run's folder (e.g. store/latest)")->required();
  cmd->callback([dir, &exit_code] { exit_code = run_report(*dir); });
}

}  // namespace fl
