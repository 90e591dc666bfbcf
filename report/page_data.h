// The page's data block (a <script type="application/json">): the
// timeline's columns as little-endian typed arrays in base64 ("i8:", "i16:",
// "i32:", "u8:", "f32:", "f64:" prefixes; integers in the narrowest width
// that holds them), the interned texts, fault windows, the anomalies' op
// indexes and labels, and the plots' palette and outcome names
// (report/plot_series.h); for a summarized history (report/timeline_summary.h)
// the summary's bins as more columns and its windows. Written through script_json(), so no string of the
// history can end the element. report/assets/report.js reads it.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "report/anomaly_view.h"
#include "report/timeline_data.h"
#include "report/timeline_summary.h"

namespace fl {

void write_page_data(std::ostream& out, const TimelineData& t, const std::string& title,
                     const std::vector<AnomalyRef>& anomalies, const TimelineSummary* summary = nullptr);

// The columns of `t` alone, as a JSON object {"n", "texts", "cols"}: the
// ops of a time range that `faultline serve` sends to a summarized page.
void write_timeline_rows(std::ostream& out, const TimelineData& t);

}  // namespace fl
