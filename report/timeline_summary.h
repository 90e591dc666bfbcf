// The timeline of a history too long to draw op by op in one page: the
// whole history summarized per time bin — for each lane, how many ops that
// began in the bin were ok, failed or info (what the page's dense drawing
// needs); per operation name and outcome, how many completed in the bin and
// their shortest and longest latency — plus every op, in full, inside the
// windows around each op an anomaly names and around each fault's start and
// end. An op is either in a window (a row of `timeline`) or counted in the
// bins, never both. Built in two passes over an op stream (a history file
// read op by op, or a History replayed), holding only the kept ops, the
// nemesis's events and one span per process: never the whole history.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "history/history.h"
#include "history/op_stream.h"
#include "report/timeline_data.h"

namespace fl {

// Above this many client ops a report is summarized (ReportLimits).
constexpr std::int64_t kFullReportOps = 2000000;

struct SummaryLimits {
  std::size_t bins = 8192;           // time bins across the whole history
  std::int64_t window_budget = 200000;  // ops kept in all windows together, about
  std::int64_t window_ops_max = 4000;   // ops around one anomaly op or fault edge, at most
  std::int64_t window_ops_min = 60;     // … and at least
};

// The limits for a report that keeps `full_ops` ops op by op: the defaults
// at kFullReportOps, proportionally fewer bins and kept ops below it.
SummaryLimits summary_limits(std::int64_t full_ops);

struct TimelineSummary {
  std::int64_t full_ops = kFullReportOps;  // the threshold it passed (what the page says)
  std::int64_t ops = 0;             // client ops of the whole history
  std::int64_t events = 0;          // events (lines) of the whole history
  std::int64_t nemesis_events = 0;
  std::size_t bins = 0;
  double bin_width = 0;             // in the timeline's units
  // Ops outside the windows, by lane, bin (of their start) and outcome: [(lane * bins + bin) * 3 + outcome].
  std::vector<std::uint32_t> lane_counts;
  // Ops outside the windows, by series (f * 3 + outcome) and bin of their
  // completion (their start when they never completed): [series * bins + bin].
  std::vector<std::uint32_t> series_counts;
  // Their latency, shortest and longest, by series and bin of their start (0: none).
  std::vector<float> latency_min, latency_max;
  // Every op, by f and outcome (windows included): the page's counts table.
  std::vector<std::array<std::int64_t, 3>> by_f;
  // Where every op is kept: time ranges, sorted, not overlapping.
  std::vector<std::pair<double, double>> windows;
};

// A history summarized: the kept ops (and every nemesis event) as a small
// History with their original indexes, laid out on the whole history's
// clock and lanes, and the summary of the rest.
struct SummarizedHistory {
  History kept;
  TimelineData timeline;
  TimelineSummary summary;
};

// Calls its argument for every op of the history, in file order; called twice.
using OpReplay = std::function<void(const std::function<void(const OpRef&)>&)>;

// The whole history's clock, lanes and operation names (one pass): what a
// range of it needs to be laid out as the page lays out the rest.
struct HistoryFrame {
  bool real_time = true;
  std::int64_t origin = 0;
  double t_end = 0;
  LaneMap lanes;
  std::vector<std::string> fs;
  LayoutFrame layout() const;  // points into this
};
HistoryFrame frame_of_history(const OpReplay& replay);

// `named`: the op indexes the anomalies name (report/anomaly_view.h), each
// kept with its whole op and a window around it.
SummarizedHistory summarize_history(const OpReplay& replay, const std::string& source,
                                    const std::set<std::int64_t>& named, const SummaryLimits& limits = {});

// Replays a History in memory.
OpReplay replay_history(const History& h);

}  // namespace fl
