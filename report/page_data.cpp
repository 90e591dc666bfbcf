#include "report/page_data.h"

#include <algorithm>
#include <cstdint>

#include "report/html.h"
#include "report/plot_series.h"

namespace fl {
namespace {

// A column of the page's data: "<type>:<base64 of the little-endian array>".
std::string encoded(const char* type, const void* data, std::size_t bytes) {
  return std::string("\"") + type + ":" + base64(data, bytes) + "\"";
}
std::string column(const std::vector<double>& v) { return encoded("f64", v.data(), v.size() * 8); }
std::string column(const std::vector<float>& v) { return encoded("f32", v.data(), v.size() * 4); }
std::string column(const std::vector<std::uint8_t>& v) { return encoded("u8", v.data(), v.size()); }
// Integers in the narrowest of 8, 16 or 32 bits that holds them all (a
// million-op page is mostly these columns); 64-bit floats beyond that.
template <class Int>
std::string int_column(const std::vector<Int>& v) {
  std::int64_t lo = 0, hi = 0;
  for (Int x : v) lo = std::min<std::int64_t>(lo, x), hi = std::max<std::int64_t>(hi, x);
  auto narrow = [&](auto zero, const char* type) {
    std::vector<decltype(zero)> n(v.begin(), v.end());
    return encoded(type, n.data(), n.size() * sizeof(zero));
  };
  if (lo >= INT8_MIN && hi <= INT8_MAX) return narrow(std::int8_t{0}, "i8");
  if (lo >= INT16_MIN && hi <= INT16_MAX) return narrow(std::int16_t{0}, "i16");
  if (lo >= INT32_MIN && hi <= INT32_MAX) return narrow(std::int32_t{0}, "i32");
  return column(std::vector<double>(v.begin(), v.end()));
}

}  // namespace

// "texts":[…],"cols":{…} — the rows of `t`.
static void write_columns(std::ostream& out, const TimelineData& t);

void write_page_data(std::ostream& out, const TimelineData& t, const std::string& title,
                     const std::vector<AnomalyRef>& anomalies, const TimelineSummary* summary) {
  Json head = {{"title", title}, {"realTime", t.real_time}, {"origin", t.origin}, {"tEnd", t.t_end},
               {"lanes", t.lanes}, {"fs", t.fs}, {"n", t.size()},
               {"palette", kSeriesPalette}, {"outcomes", kOutcomeNames}};
  Json faults = Json::array();
  for (const FaultWindow& w : t.faults)
    faults.push_back({{"start", w.start}, {"end", w.end}, {"name", w.name}, {"label", w.label},
                      {"startIndex", w.start_index}, {"endIndex", w.end_index}});
  head["faults"] = faults;
  Json an = Json::array();
  for (std::size_t i = 0; i < anomalies.size(); ++i) {
    const Json& a = *anomalies[i].anomaly;
    an.push_back({{"id", i}, {"checker", anomalies[i].checker}, {"kind", a.value("kind", Json("anomaly"))},
                  {"ops", index_list(a.value("ops", Json()))}, {"labels", op_labels(a)}});
  }
  head["anomalies"] = an;
  if (summary) {
    Json windows = Json::array();
    for (const auto& [a, b] : summary->windows) windows.push_back({a, b});
    head["summary"] = {{"ops", summary->ops}, {"events", summary->events}, {"bins", summary->bins},
                       {"binWidth", summary->bin_width}, {"windows", windows}, {"fullOps", summary->full_ops}};
  }
  std::string h = script_json(head);
  h.pop_back();  // reopen the object for the columns
  out << h << ",";
  write_columns(out, t);
  if (summary)
    out << ",\"sum\":{\"lanes\":" << int_column(summary->lane_counts) << ",\"series\":" << int_column(summary->series_counts)
        << ",\"latMin\":" << column(summary->latency_min) << ",\"latMax\":" << column(summary->latency_max) << "}";
  out << "}";
}

void write_timeline_rows(std::ostream& out, const TimelineData& t) {
  out << "{\"n\":" << t.size() << ",";
  write_columns(out, t);
  out << "}";
}

static void write_columns(std::ostream& out, const TimelineData& t) {
  out << "\"texts\":[";
  for (std::size_t i = 0; i < t.texts.size(); ++i) out << (i ? "," : "") << script_json_string(t.texts[i]);
  out << "],\"cols\":{";
  // Durations rather than ends (32-bit floats lose nothing a reader can
  // see), and completions as their distance from the invocation's index.
  std::vector<float> duration(t.size());
  std::vector<std::int64_t> completion(t.size());
  for (std::size_t i = 0; i < t.size(); ++i) {
    duration[i] = t.end[i] < 0 ? -1.0f : static_cast<float>(t.end[i] - t.start[i]);
    completion[i] = t.complete_index[i] < 0 ? 0 : t.complete_index[i] - t.invoke_index[i];
  }
  out << "\"lane\":" << int_column(t.lane) << ",\"f\":" << int_column(t.f) << ",\"arg\":" << int_column(t.arg)
      << ",\"result\":" << int_column(t.result) << ",\"error\":" << int_column(t.error)
      << ",\"node\":" << int_column(t.node) << ",\"process\":" << int_column(t.process)
      << ",\"start\":" << column(t.start) << ",\"duration\":" << column(duration)
      << ",\"outcome\":" << column(t.outcome) << ",\"inv\":" << int_column(t.invoke_index)
      << ",\"cmpDelta\":" << int_column(completion);
  out << "}";
}

}  // namespace fl
