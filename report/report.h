// The report of one run (DESIGN.md, "The report"): a pure function of the
// run's history, results.json and settings to one self-contained HTML page —
// verdicts, settings, op counts, the run's files, every anomaly on its own
// small timeline with the sentence that explains it, the whole history on a
// zoomable canvas timeline, and latency / throughput plots, all with the
// nemesis's fault windows shaded; for a Maelstrom run, its first messages as
// a Lamport diagram (message_diagram.h). A history of more than
// kFullReportOps ops comes summarized (report/timeline_summary.h): the page
// says so, and fetches the ops of a zoomed-in view from `faultline serve`
// when it is served by it (its Content Security Policy allows requests to
// its own origin only, and lets only its own script run); from file:// it
// makes no request. Every string from the history or the results is escaped.
#pragma once

#include <cstdint>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "history/history.h"
#include "history/wire_log.h"
#include "report/message_diagram.h"
#include "report/timeline_data.h"
#include "report/timeline_summary.h"

namespace fl {

struct ReportInput {
  const History* history = nullptr;
  Json results = Json::object();   // results.json of this history
  Json settings = Json::object();  // test.json, or the options of `faultline check`
  std::string title;               // the test's name, or the history's file name
  std::string generator;           // "faultline 0.1.0"
  std::vector<std::string> files;  // every file of the run, as the reader should see them
  std::vector<std::string> plots;  // image files beside the report ("latency.png")
  const TimelineData* timeline = nullptr;  // layout_timeline(*history) if the caller has it
  // What the clients said for the anomalies' ops (wire.jsonl), by invoke
  // index; may be null. wire_ops() names the invokes to read.
  const std::map<std::int64_t, std::vector<WireExchange>>* wire = nullptr;
  // The routers' message records (nodes/<node>/messages.jsonl), merged; may be null.
  const MessageLog* messages = nullptr;
  // The whole history's summary when `history` holds only the kept ops of a
  // summarized one (report/timeline_summary.h); `timeline` is then required.
  const TimelineSummary* summary = nullptr;
};

void write_report_html(std::ostream& out, const ReportInput& in);

// The invoke indices of every op an anomaly of `results` names: what the
// caller reads from the wire log for ReportInput::wire.
std::set<std::int64_t> wire_ops(const History& h, const Json& results);

}  // namespace fl
