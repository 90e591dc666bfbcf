#include "harness/results.h"

#include <chrono>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "harness/commands.h"

namespace fl {

FileResults run_checkers(const History& h, const std::vector<const Checker*>& checkers,
                         const CheckOptions& opts) {
  FileResults r;
  auto t0 = std::chrono::steady_clock::now();
  Json by_name = Json::object();
  for (const Checker* c : checkers) {
    CheckResult cr = c->check(h, opts);
    r.valid = worst(r.valid, cr.valid);
    Json entry = cr.detail;
    entry["valid"] = validity_json(cr.valid);
    if (!entry.contains("anomalies")) entry["anomalies"] = Json::array();
    by_name[c->name()] = std::move(entry);
    r.by_checker.emplace_back(c->name(), std::move(cr));
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.json = Json{{"valid", validity_json(r.valid)}, {"checkers", by_name}};
  return r;
}

std::string summarize(const std::string& path, const History& h, const FileResults& r) {
  std::string s = fmt::format("{}: {} ({} events, {} operations, checked in {:.3f} s)\n", path,
                              to_string(r.valid), h.size(), h.pairs().size(), r.seconds);
  for (const auto& [name, cr] : r.by_checker) {
    s += fmt::format("  {}: {}\n", name, to_string(cr.valid));
    if (!cr.summary.empty()) {
      s += cr.summary;
      if (s.back() != '\n') s += '\n';
    }
  }
  return s;
}

void write_results(const std::string& dir, const Json& results) {
  std::filesystem::create_directories(dir);
  std::string path = (std::filesystem::path(dir) / "results.json").string();
  std::ofstream out(path);
  if (!out) throw std::runtime_error(fmt::format("cannot write {}", path));
  out << results.dump(2) << "\n";
}

int exit_code_for(Validity v) {
  switch (v) {
    case Validity::Valid: return exit_code::kValid;
    case Validity::Invalid: return exit_code::kInvalid;
    case Validity::Unknown: return exit_code::kUnknown;
  }
  return exit_code::kInternal;
}

}  // namespace fl
