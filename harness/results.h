// Running checkers on one history and shaping their results as results.json
// (DESIGN.md: {"valid": true|false|"unknown", "checkers": {NAME: {...}}}).
// Shared by `faultline check` and `faultline test`, so a stored history
// checked again gives exactly the verdict the run gave.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "checkers/checker.h"
#include "checkers/results_file.h"

namespace fl {

struct FileResults {
  Validity valid = Validity::Valid;
  ResultsFile file;                  // results.json (file.to_json())
  std::vector<std::pair<std::string, CheckResult>> by_checker;
  double seconds = 0;
};

// With a deadline, each checker gets what is left of it as its time limit.
FileResults run_checkers(const History& h, const std::vector<const Checker*>& checkers,
                         const CheckOptions& opts,
                         std::optional<std::chrono::steady_clock::time_point> deadline = std::nullopt);

// run_checkers on a thread of its own, within budget_s seconds: the checkers
// get the budget as their time limit (a search answers unknown by itself),
// and past it plus a short grace the answer is Unknown with the reason, while
// the thread is left to finish alone (checkers are pure, and it owns what it
// reads). `abandoned` then says so: the process must not wait for it, nor run
// static destructors under it (end with std::_Exit).
struct BudgetedResults {
  FileResults results;
  bool abandoned = false;
};
BudgetedResults run_checkers_within(std::shared_ptr<const History> h, const std::vector<const Checker*>& checkers,
                                    const CheckOptions& opts, double budget_s);
// Adds one checker's result (as run_checkers does for each of its checkers).
void add_result(FileResults& r, const std::string& checker, CheckResult cr);
// A few lines for the terminal: the verdict per checker and their summaries.
std::string summarize(const std::string& path, const History& h, const FileResults& r);
// The same, for a history streamed rather than held (its counts of ops and pairs).
std::string summarize(const std::string& path, std::size_t events, std::size_t operations, const FileResults& r);
// Writes dir/results.json (creating dir).
void write_results(const std::string& dir, const ResultsFile& results);
int exit_code_for(Validity v);

}  // namespace fl
