// What the course end-to-end tests share: one row of COURSE.md's table as a
// short TestRun of fl-course in fl- namespaces (stored in a scratch store,
// data and logs under their own root), and the check that a run left no
// fl-course process, namespace, link or faketime file behind.
#pragma once

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "cluster/faketime.h"
#include "harness/runner.h"
#include "e2e_support.h"
#include "temp_store.h"

namespace fl::test {

constexpr const char* kCourseDataRoot = "/tmp/faultline-course-e2e";

struct CourseRow {
  std::string design;                 // "" with system "http"
  std::vector<std::string> opts;      // --opt K[=V]
  std::string workload = "register";
  std::vector<std::string> nemesis;
  int nodes = 3;
  double time_limit_s = 10;
  double interval_s = 3;
  std::string system = "course";
  nlohmann::json workload_params = nlohmann::json::object();
  std::uint64_t seed = 0;
  double rate = 0;                    // total ops/s (0 = as fast as the workers go)
  int concurrency = 10;
  std::vector<std::string> schedule;  // phases ("4s quiet", "4s partition-primaries"); replace nemesis
  bool repeat_schedule = false;
};

inline TestOutcome run_course_row(const CourseRow& row, TempStore& store) {
  // Packet faults run on fl-shaper, which faultline finds beside itself; a
  // test binary lives elsewhere, so it names the one it was built with.
  setenv("FL_SHAPER", FL_SHAPER_BINARY, 1);
  setenv("FL_DISKFS", FL_DISKFS_BINARY, 1);  // likewise fl-diskfs, for disk faults
  TestOptions o;
  o.system = row.system;
  o.workload = row.workload;
  o.system_options = {{"data-root", kCourseDataRoot}};
  for (const std::string& kv : row.opts) {  // as --opt KEY[=VALUE] would
    auto eq = kv.find('=');
    o.system_options[kv.substr(0, eq)] = eq == std::string::npos ? nlohmann::json(true) : nlohmann::json(kv.substr(eq + 1));
  }
  if (row.system == "course") {
    o.system_options["design"] = row.design;
    o.system_options["binary"] = FL_COURSE_BINARY;
  } else {
    o.system_options["bin"] = FL_COURSE_BINARY;
  }
  o.workload_params = row.workload_params;
  o.nemesis = row.nemesis;
  o.schedule = row.schedule;
  o.repeat_schedule = row.repeat_schedule;
  o.nemesis_interval_s = row.interval_s;
  o.quiet_s = 2;
  o.nodes = row.nodes;
  o.time_limit_s = row.time_limit_s;
  o.concurrency = row.concurrency;
  o.timeout_s = 1;
  o.seed = row.seed;
  o.rate = row.rate;
  o.store_dir = store.path;
  o.progress = false;
  o.plots = false;  // the page draws its own; gnuplot costs seconds a run
  o.print_summary = false;
  return TestRun(o).run();
}

// Nothing of the run is left: processes, namespaces, links, clock files.
inline void check_nothing_left() {
  CHECK(lines_with({"ip", "netns", "list"}, "fl-").empty());
  CHECK(lines_with({"ip", "-o", "link", "show"}, "fl-").empty());
  CHECK(processes_left(FL_COURSE_BINARY).empty());
  std::error_code ec;
  bool clock_files = false;
  if (std::filesystem::exists(clock_dir(), ec))
    for (const auto& e : std::filesystem::directory_iterator(clock_dir(), ec)) clock_files |= e.is_regular_file();
  CHECK_FALSE(clock_files);
}

inline std::string verdict_of(const TestOutcome& out, const std::string& checker) {
  const auto& c = out.results["checkers"];
  if (!c.contains(checker)) return "absent";
  const auto& v = c[checker]["valid"];
  return v.is_boolean() ? (v.get<bool>() ? "valid" : "invalid") : v.dump();
}

}  // namespace fl::test
