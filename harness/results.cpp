#include "harness/results.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include <fmt/format.h>

#include "harness/commands.h"

namespace fl {

FileResults run_checkers(const History& h, const std::vector<const Checker*>& checkers,
                         const CheckOptions& opts, std::optional<std::chrono::steady_clock::time_point> deadline) {
  FileResults r;
  auto t0 = std::chrono::steady_clock::now();
  for (const Checker* c : checkers) {
    CheckOptions mine = opts;
    if (deadline) {  // what is left; never 0, which would mean no limit
      const double left = std::chrono::duration<double>(*deadline - std::chrono::steady_clock::now()).count();
      mine.time_limit_s = std::max(left, 1e-6);
    }
    add_result(r, c->name(), c->check(h, mine));
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

void add_result(FileResults& r, const std::string& checker, CheckResult cr) {
  r.valid = worst(r.valid, cr.valid);
  Json entry = cr.detail.is_object() ? cr.detail : Json::object();
  entry["valid"] = validity_json(cr.valid);
  if (!entry.contains("anomalies")) entry["anomalies"] = Json::array();
  r.file.set_checker(checker, std::move(entry));
  r.file.valid = r.valid;
  r.by_checker.emplace_back(checker, std::move(cr));
}

BudgetedResults run_checkers_within(std::shared_ptr<const History> h, const std::vector<const Checker*>& checkers,
                                    const CheckOptions& opts, double budget_s) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(budget_s));
  // A search checks its clock every few thousand steps: give it a moment
  // past the deadline to say unknown by itself before giving up on it.
  const double grace_s = std::min(5.0, std::max(0.5, budget_s / 10));
  auto done = std::make_shared<std::promise<FileResults>>();
  std::future<FileResults> result = done->get_future();
  std::thread([h, checkers, opts, deadline, done] {
    try {
      done->set_value(run_checkers(*h, checkers, opts, deadline));
    } catch (...) {
      done->set_exception(std::current_exception());
    }
  }).detach();
  BudgetedResults out;
  if (result.wait_until(deadline + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(grace_s))) ==
      std::future_status::ready) {
    out.results = result.get();
    return out;
  }
  out.abandoned = true;
  const std::string reason = fmt::format("the checkers did not finish within the check budget of {:g} s", budget_s);
  out.results.valid = Validity::Unknown;
  out.results.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  out.results.file.valid = Validity::Unknown;
  out.results.file.reason = reason;
  for (const Checker* c : checkers)
    out.results.file.set_checker(
        c->name(), Json{{"valid", validity_json(Validity::Unknown)}, {"anomalies", Json::array()}, {"reason", reason}});
  for (const Checker* c : checkers) {
    CheckResult cr;
    cr.valid = Validity::Unknown;
    cr.summary = "    " + reason + "\n";
    out.results.by_checker.emplace_back(c->name(), std::move(cr));
  }
  return out;
}

std::string summarize(const std::string& path, const History& h, const FileResults& r) {
  return summarize(path, h.size(), h.pairs().size(), r);
}

std::string summarize(const std::string& path, std::size_t events, std::size_t operations, const FileResults& r) {
  std::string s = fmt::format("{}: {} ({} events, {} operations, checked in {:.3f} s)\n", path,
                              to_string(r.valid), events, operations, r.seconds);
  for (const auto& [name, cr] : r.by_checker) {
    s += fmt::format("  {}: {}\n", name, to_string(cr.valid));
    if (!cr.summary.empty()) {
      s += cr.summary;
      if (s.back() != '\n') s += '\n';
    }
  }
  return s;
}

void write_results(const std::string& dir, const ResultsFile& results) {
  std::filesystem::create_directories(dir);
  std::string path = (std::filesystem::path(dir) / "results.json").string();
  std::ofstream out(path);
  if (!out) throw std::runtime_error(fmt::format("cannot write {}", path));
  out << results.to_json().dump(2) << "\n";
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
