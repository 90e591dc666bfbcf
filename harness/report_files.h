// Writing a run's report into a folder: report.html (report/ builds it, a
// pure function of history, results and settings) and the latency and
// throughput images beside it. The images come from gnuplot, a program, so
// they are made here in the harness through run_process() — the report
// layer runs nothing. Without gnuplot the page still draws its own plots and
// the caller is told, once, why the image files are missing.
// A history of more than report_full_ops() ops is summarized
// (report/timeline_summary.h), read from its file op by op when the caller
// gives the file instead of a History, so it never has to be in memory.
#pragma once

#include <string>
#include <vector>

#include "history/history.h"

namespace fl {

struct ReportRequest {
  std::string dir;                 // where report.html and the images go
  const History* history = nullptr;  // or null, and:
  std::string history_path;          // a JSON Lines history, streamed (history/op_stream.h)
  Json results = Json::object();
  Json settings = Json::object();
  std::string title;
  std::string html_name = "report.html";
  bool plots = true;               // false: no image files (several reports in one folder)
  std::vector<std::string> extra_files;  // files outside `dir` worth listing (the checked history)
};

struct ReportWritten {
  std::string html_path;              // dir/report.html
  std::vector<std::string> plots;     // image files written, relative to dir
  std::vector<std::string> warnings;  // one sentence each (gnuplot missing, …)
};

// How many ops a report keeps op by op: kFullReportOps, or the environment's
// FAULTLINE_REPORT_FULL_OPS (tests lower it).
std::int64_t report_full_ops();

// Throws std::runtime_error naming the path when the folder or file cannot be written.
ReportWritten write_report(const ReportRequest& req);

}  // namespace fl
