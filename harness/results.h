// Running checkers on one history and shaping their results as results.json
// (DESIGN.md: {"valid": true|false|"unknown", "checkers": {NAME: {...}}}).
// Shared by `faultline check` and `faultline test`, so a stored history
// checked again gives exactly the verdict the run gave.
#pragma once

#include <string>
#include <vector>

#include "checkers/checker.h"

namespace fl {

struct FileResults {
  Validity valid = Validity::Valid;
  Json json;                         // the results.json object
  std::vector<std::pair<std::string, CheckResult>> by_checker;
  double seconds = 0;
};

FileResults run_checkers(const History& h, const std::vector<const Checker*>& checkers,
                         const CheckOptions& opts);
// A few lines for the terminal: the verdict per checker and their summaries.
std::string summarize(const std::string& path, const History& h, const FileResults& r);
// Writes dir/results.json (creating dir).
void write_results(const std::string& dir, const Json& results);
int exit_code_for(Validity v);

}  // namespace fl
