// Latency and throughput over time as gnuplot scripts, data inline: each
// op's latency as a point (log scale, colour by f, point shape by outcome)
// and completed ops per second by f and outcome, both with the nemesis's
// fault windows shaded and labelled. Pure text: whoever runs gnuplot feeds
// it a script on stdin and gets the PNG on stdout (no paths in the script).
// Every string from the history enters the script as a single-quoted
// gnuplot string with quotes doubled, backquotes and control characters
// removed, and enhanced-text mode off, so it cannot become a command.
#pragma once

#include <string>
#include <vector>

#include "report/timeline_data.h"

namespace fl {

struct PlotScript {
  std::string file;    // the image's file name beside the report: "latency.png"
  std::string what;    // "latency", for messages
  std::string script;  // gnuplot commands writing the PNG to stdout
};

std::vector<PlotScript> plot_scripts(const TimelineData& t, const std::string& title);

// A gnuplot single-quoted string literal holding s as plain text.
std::string gnuplot_quote(const std::string& s);

}  // namespace fl
