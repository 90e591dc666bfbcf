#include "report/plots.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>

#include <fmt/format.h>

#include "report/html.h"
#include "report/plot_series.h"

namespace fl {
namespace {

constexpr int kWidth = 1400, kHeight = 480;
// Latency points are deduplicated on a grid of 3 x 3 pixels: a point is
// about that size, so the image looks the same, and gnuplot draws a few
// hundred thousand points of a million-op run instead of all of them.
constexpr int kCellsX = kWidth / 3, kCellsY = kHeight / 3;
const int kPointType[] = {7, 2, 6};  // filled circle, cross, open circle

double seconds(const TimelineData& t, double x) { return t.real_time ? x / 1e9 : x; }

// `x_end`: where the x axis ends, in the timeline's units (t.t_end, or more).
std::string header(const TimelineData& t, const std::string& title, const std::string& what,
                   const std::string& ylabel, double x_end) {
  std::string s;
  s += fmt::format("set terminal pngcairo size {},{} font ',10' noenhanced\n", kWidth, kHeight);
  s += "set output\n";  // stdout
  s += "set encoding utf8\n";
  s += fmt::format("set title {} noenhanced\n", gnuplot_quote(what + " — " + title));
  s += fmt::format("set xlabel {}\n", gnuplot_quote(t.real_time ? "time (s)" : "event position"));
  s += fmt::format("set ylabel {}\n", gnuplot_quote(ylabel));
  s += "set key outside right top noenhanced\n";
  s += "set grid lc rgb '#dddddd'\n";
  s += fmt::format("set xrange [0:{}]\n", std::max(seconds(t, x_end), 1e-9));
  int object = 1;
  for (const FaultWindow& w : t.faults) {
    const double x0 = seconds(t, w.start), x1 = seconds(t, w.end);
    if (w.end > w.start) {
      s += fmt::format("set object {} rect from {},graph 0 to {},graph 1 behind fc rgb '#f2dede' fs solid 1.0 noborder\n",
                       object, x0, x1);
    } else {
      s += fmt::format("set arrow {} from {},graph 0 to {},graph 1 nohead lc rgb '#c9302c' dt 2\n", object, x0, x0);
    }
    s += fmt::format("set label {} {} at {},graph 0.98 left front font ',8' tc rgb '#a94442' noenhanced\n", object,
                     gnuplot_quote(w.name), x0);
    ++object;
  }
  return s;
}

// One series of points, written once per cell of the image (kCellsX x
// kCellsY): points that would land on the same spot are drawn once, which
// keeps a million-op plot nearly as fast as a small one.
struct Series {
  std::string title;
  std::string style;
  std::string data;
  std::vector<bool> cells;
};

std::string finish(std::vector<Series>& series) {
  std::string s;
  std::string plot;
  int n = 0;
  for (Series& se : series) {
    if (se.data.empty()) continue;
    s += fmt::format("$d{} << EOD\n{}EOD\n", n, se.data);
    plot += fmt::format("{}$d{} using 1:2 {} title {}", plot.empty() ? "plot " : ", ", n, se.style,
                        gnuplot_quote(se.title));
    ++n;
  }
  if (n == 0) {
    // Nothing to draw: still an image, saying so.
    s += "set label 1000 'no completed operations' at graph 0.5, graph 0.5 center\n";
    s += "set yrange [0:1]\nplot 2 notitle\n";
    return s;
  }
  return s + plot + "\n";
}

std::string latency_script(const TimelineData& t, const std::string& title) {
  double lo = INFINITY, hi = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t.end[i] < 0) continue;
    const double lat = std::max(t.end[i] - t.start[i], 1.0);
    lo = std::min(lo, lat);
    hi = std::max(hi, lat);
  }
  const double unit = t.real_time ? 1e6 : 1;  // ms, or events
  std::string s = header(t, title, "latency", t.real_time ? "latency (ms)" : "latency (events)",
                         t.t_end);
  s += "set logscale y\n";
  std::vector<Series> series(t.fs.size() * 3);
  for (std::size_t f = 0; f < t.fs.size(); ++f)
    for (int o = 0; o < 3; ++o) {
      Series& se = series[f * 3 + static_cast<std::size_t>(o)];
      se.title = series_name(t.fs[f], static_cast<std::size_t>(o));
      se.style = fmt::format("with points pt {} ps 0.4 lc rgb '{}'", kPointType[o], series_color(f));
      se.cells.assign(static_cast<std::size_t>(kCellsX) * kCellsY, false);
    }
  if (hi > 0) {
    const double span = std::max(t.t_end, 1.0);
    const double llo = std::log(lo), lspan = std::max(std::log(hi) - llo, 1e-9);
    for (std::size_t i = 0; i < t.size(); ++i) {
      if (t.end[i] < 0) continue;
      const double lat = std::max(t.end[i] - t.start[i], 1.0);
      const auto cx = static_cast<std::size_t>(std::min(kCellsX - 1.0, t.start[i] / span * (kCellsX - 1)));
      const auto cy = static_cast<std::size_t>(std::min(kCellsY - 1.0, (std::log(lat) - llo) / lspan * (kCellsY - 1)));
      Series& se = series[static_cast<std::size_t>(t.f[i]) * 3 + t.outcome[i]];
      const std::size_t cell = cy * kCellsX + cx;
      if (se.cells[cell]) continue;
      se.cells[cell] = true;
      fmt::format_to(std::back_inserter(se.data), "{:.9g} {:.4g}\n", seconds(t, t.start[i]), lat / unit);
    }
  }
  return s + finish(series);
}

// A bucket width of 1, 2 or 5 times a power of ten giving about 100 buckets.
double bucket_width(double span) {
  const double raw = std::max(span / 100, 1e-9);
  const double p = std::pow(10, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * p >= raw) return m * p;
  return 10 * p;
}

std::string rate_script(const TimelineData& t, const std::string& title) {
  const double width = t.real_time ? std::max(bucket_width(t.t_end), 1e6) : std::max(std::round(bucket_width(t.t_end)), 1.0);
  const auto buckets = static_cast<std::size_t>(std::floor(t.t_end / width)) + 1;
  std::vector<std::vector<std::int64_t>> counts(t.fs.size() * 3, std::vector<std::int64_t>(buckets, 0));
  for (std::size_t i = 0; i < t.size(); ++i) {
    const double at = t.end[i] >= 0 ? t.end[i] : t.start[i];
    const auto b = std::min(buckets - 1, static_cast<std::size_t>(at / width));
    ++counts[static_cast<std::size_t>(t.f[i]) * 3 + t.outcome[i]][b];
  }
  const double per = t.real_time ? width / 1e9 : width;
  // A bucket's point is drawn at its middle: the axis reaches at least the
  // first one's (a history whose ops all happen at one instant has t_end 0,
  // and gnuplot refuses a plot whose every point is out of range).
  std::string s = header(t, title, "throughput",
                         t.real_time ? "completed ops / s" : fmt::format("completed ops per {:g} events", width),
                         std::max(t.t_end, width));
  s += "set yrange [0:*]\n";
  std::vector<Series> series(counts.size());
  for (std::size_t k = 0; k < counts.size(); ++k) {
    const std::size_t f = k / 3;
    const int o = static_cast<int>(k % 3);
    Series& se = series[k];
    se.title = series_name(t.fs[f], static_cast<std::size_t>(o));
    se.style = fmt::format("with linespoints pt {} ps 0.5 lw 1.5 lc rgb '{}'{}", kPointType[o], series_color(f),
                           o == 0 ? "" : " dt 2");
    if (std::all_of(counts[k].begin(), counts[k].end(), [](std::int64_t c) { return c == 0; })) continue;
    for (std::size_t b = 0; b < buckets; ++b)
      fmt::format_to(std::back_inserter(se.data), "{:.9g} {:.6g}\n", seconds(t, (static_cast<double>(b) + 0.5) * width),
                             t.real_time ? static_cast<double>(counts[k][b]) / per : static_cast<double>(counts[k][b]));
  }
  return s + finish(series);
}

}  // namespace

std::string gnuplot_quote(const std::string& s) {
  std::string out = "'";
  for (char c : clip(s, 200)) {
    if (c == '\'') out += "''";
    else if (c == '`' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) out += ' ';
    else out += c;
  }
  return out + "'";
}

std::vector<PlotScript> plot_scripts(const TimelineData& t, const std::string& title) {
  return {PlotScript{"latency.png", "latency", latency_script(t, title)},
          PlotScript{"rate.png", "throughput", rate_script(t, title)}};
}

}  // namespace fl
