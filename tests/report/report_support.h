// Building a report in a test the way the harness does, from the report
// layer alone: run checkers on a history, shape results.json, write
// report.html into a fresh folder under build/.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "checkers/registry.h"
#include "report/report.h"

namespace fl::test {

inline Json check_history(const History& h, const std::vector<std::string>& checkers, const std::string& model,
                          const std::optional<Json>& init) {
  CheckOptions o;
  o.model = model;
  o.init = init;
  Json by = Json::object();
  Validity all = Validity::Valid;
  for (const std::string& name : checkers) {
    const Checker* c = find_checker(name);
    if (!c) throw std::runtime_error("no checker " + name);
    CheckResult r = c->check(h, o);
    Json entry = r.detail;
    entry["valid"] = validity_json(r.valid);
    if (!entry.contains("anomalies")) entry["anomalies"] = Json::array();
    by[name] = entry;
    all = worst(all, r.valid);
  }
  return Json{{"valid", validity_json(all)}, {"checkers", by}};
}

// Writes <build>/report-tests/<name>/report.html and returns its path.
inline std::string write_test_report(const std::string& name, const History& h, const Json& results,
                                     const Json& settings = Json::object()) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(FL_ARTIFACT_DIR) / "pages" / name;
  fs::create_directories(dir);
  ReportInput in;
  in.history = &h;
  in.results = results;
  in.settings = settings;
  in.title = name;
  in.generator = "faultline (test)";
  in.files = {"history.jsonl", "results.json", "report.html"};
  const std::string path = (dir / "report.html").string();
  std::ofstream out(path);
  write_report_html(out, in);
  return path;
}

}  // namespace fl::test
