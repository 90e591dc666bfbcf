// The series of the latency and throughput plots: one per operation name (f)
// and outcome, coloured by f from one palette of eight (then repeating) and
// named "<f> <outcome>". The gnuplot images (report/plots.cpp) and the page's
// canvas plots (report.js, which gets the palette and the outcome names from
// the page's data block) both take them from here, so the two always agree.
#pragma once

#include <array>
#include <cstddef>
#include <string>

namespace fl {

constexpr std::array<const char*, 8> kSeriesPalette = {"#1f77b4", "#2ca02c", "#9467bd", "#8c564b",
                                                       "#17becf", "#bcbd22", "#e377c2", "#7f7f7f"};
// Indexed by kRowOk / kRowFail / kRowInfo (report/timeline_data.h).
constexpr std::array<const char*, 3> kOutcomeNames = {"ok", "fail", "info"};

// The colour of operation name number f (an index into TimelineData::fs).
inline const char* series_color(std::size_t f) { return kSeriesPalette[f % kSeriesPalette.size()]; }

inline std::string series_name(const std::string& f, std::size_t outcome) {
  return f + " " + kOutcomeNames[outcome];
}

}  // namespace fl
