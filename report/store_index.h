// The index page of `faultline serve`: the runs of a store, newest first,
// with test name, time, verdict, op count and a link to each report. A pure
// function of the runs' summaries to one HTML page (no script; every string
// escaped — test names come from the command line, verdicts from files).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fl {

struct RunSummary {
  std::string test;      // the test's folder name
  std::string stamp;     // the run's folder name, YYYYmmddTHHMMSS[-n]
  std::string verdict;   // "valid" | "invalid" | "unknown" | "not checked"
  std::int64_t ops = -1; // client operations, -1 when unknown
  bool has_report = false;
  std::string href;      // URL of the run's folder, ending in "/"
};

// `runs` in any order; the page lists them newest first.
std::string store_index_html(const std::string& store, std::vector<RunSummary> runs);
// "2026-11-26 01:30:27 UTC" from a store stamp; the stamp itself if it is not one.
std::string stamp_time(const std::string& stamp);

}  // namespace fl
