#include "report/report.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "checkers/results_file.h"
#include "report/assets.h"
#include "report/anomaly_view.h"
#include "report/html.h"
#include "report/network_view.h"
#include "report/page_data.h"
#include "report/timeline_data.h"

namespace fl {
namespace {

// CSP names a script by the base64 of its SHA-256; CMake gives us hex.
std::string csp_hash(const char* hex) {
  std::string bytes;
  for (const char* p = hex; p[0] && p[1]; p += 2) bytes += static_cast<char>(std::stoi(std::string(p, 2), nullptr, 16));
  return "'sha256-" + base64(bytes.data(), bytes.size()) + "'";
}

std::string checker_note(const Json& c) {
  std::vector<std::string> parts;
  if (c.contains("model") && c["model"].is_string()) parts.push_back("model " + c["model"].get<std::string>());
  if (c.contains("reason") && c["reason"].is_string()) parts.push_back(c["reason"].get<std::string>());
  if (c.contains("gates") && c["gates"].is_object())
    for (auto it = c["gates"].begin(); it != c["gates"].end(); ++it)
      if (it.value().is_object())
        parts.push_back(fmt::format("{} {}: {}", it.key(), short_json(it.value().value("limit", Json()), 20),
                                    short_json(it.value().value("figure", Json()), 20)));
  if (c.contains("missed") && c["missed"].is_array())
    for (const Json& m : c["missed"])
      if (m.is_string()) parts.push_back(m.get<std::string>());
  if (c.contains("anomaly-counts") && c["anomaly-counts"].is_object())
    for (auto it = c["anomaly-counts"].begin(); it != c["anomaly-counts"].end(); ++it)
      parts.push_back(fmt::format("{} × {}", short_json(it.value(), 20), it.key()));
  else if (c.contains("anomalies") && c["anomalies"].is_array() && !c["anomalies"].empty())
    parts.push_back(fmt::format("{} anomal{}", c["anomalies"].size(), c["anomalies"].size() == 1 ? "y" : "ies"));
  std::string s;
  for (const auto& p : parts) s += (s.empty() ? "" : "; ") + p;
  return s;
}

// What a summarized timeline shows and what it does not, in words.
std::string summary_note(const TimelineData& t, const TimelineSummary* sum) {
  if (!sum) return "";
  auto span = [&](double d) {
    if (!t.real_time) return fmt::format("{:.0f} events", d);
    if (d >= 1e9) return fmt::format("{:.2f} s", d / 1e9);
    if (d >= 1e6) return fmt::format("{:.2f} ms", d / 1e6);
    return fmt::format("{:.1f} µs", d / 1e3);
  };
  return fmt::format(
      "<div class=\"summary-note\" id=\"tl-summary\"><p><b>Summarized timeline.</b> This history has {} operations, "
      "more than the {} a report keeps op by op. Every op is here only in the {} windows (a green band along the top of the timeline) around "
      "the ops the anomalies name and around each fault's start and end: {} ops. Everywhere else each lane is "
      "summarized in bins of {}, drawn paler: the shares of ok, info and fail among the ops that began in the bin, as "
      "the timeline draws dense regions; the latency plot shows each bin's shortest and longest latency, and the "
      "throughput plot counts every op.</p><p id=\"tl-zoom-note\">Zooming in beyond the bins needs the history: "
      "open this report through <code>faultline serve</code>, which sends the ops of the view on demand.</p></div>",
      sum->ops, sum->full_ops, sum->windows.size(), t.size(), span(sum->bin_width));
}

bool linkable(const std::string& path) {
  return !path.empty() && path[0] != '/' && path.rfind("../", 0) != 0 && path.find("/../") == std::string::npos;
}

}  // namespace

std::set<std::int64_t> wire_ops(const History& h, const Json& results) {
  const std::set<std::int64_t> named = named_ops(collect_anomalies(results));
  const OpFinder ops(h, named);
  std::set<std::int64_t> out;
  for (std::int64_t x : named)
    if (std::int64_t inv = ops.invoke_index(x); inv >= 0) out.insert(inv);
  return out;
}

void write_report_html(std::ostream& out, const ReportInput& in) {
  const History& h = *in.history;
  TimelineData own;
  if (!in.timeline) own = layout_timeline(h);
  const TimelineData& t = in.timeline ? *in.timeline : own;

  const std::vector<AnomalyRef> anomalies = collect_anomalies(in.results);
  const std::set<std::int64_t> wanted = named_ops(anomalies);
  // results.json as faultline writes it; odd fields are drawn as well as they can be.
  const ResultsFile results = ResultsFile::from_json(in.results);
  const OpFinder ops(h, wanted);
  const std::string verdict(to_string(results.valid));

  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  out << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src "
      << csp_hash(report_assets::kScriptSha256) << "; style-src " << csp_hash(report_assets::kStyleSha256)
      << "; img-src data: blob:; connect-src 'self'; base-uri 'none'; form-action 'none'\">\n";
  out << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out << "<title>" << html_text(in.title) << " — " << verdict << " — faultline</title>\n";
  out << "<style>" << report_assets::kStyle << "</style>\n</head>\n<body>\n";

  // Verdict first: what a reader came for.
  const TimelineSummary* sum = in.summary;
  std::size_t events = h.size(), nemesis = 0;
  for (const Op& e : h.ops()) nemesis += e.is_nemesis();
  if (sum) events = static_cast<std::size_t>(sum->events);
  const std::size_t operations = sum ? static_cast<std::size_t>(sum->ops) : t.size();
  out << "<header class=\"verdict v-" << verdict << "\"><div class=\"word\">" << verdict << "</div><div><h1>"
      << html_text(in.title) << "</h1><p>" << operations << " operations, " << nemesis << " nemesis events, "
      << t.faults.size() << " fault windows, " << anomalies.size() << " anomal" << (anomalies.size() == 1 ? "y" : "ies")
      << " shown · " << events << " events · " << html_text(in.generator) << "</p>";
  if (!results.note.empty()) out << "<p class=\"note\">" << html_text(results.note) << "</p>";
  if (sum)
    out << "<p class=\"note summarized\">Summarized: this history has more than " << sum->full_ops
        << " operations, so the timeline and the plots keep every op only around the anomalies' ops and the faults' "
           "starts and ends (" << t.size() << " ops in " << sum->windows.size()
        << " windows); elsewhere they show counts per time bin. <a href=\"#timeline\">More below.</a></p>";
  out << "</div></header>\n";
  out << "<nav><a href=\"#checkers\">verdicts</a> <a href=\"#settings\">settings</a> <a href=\"#counts\">operations</a> "
         "<a href=\"#files\">files</a> <a href=\"#anomalies\">anomalies</a> <a href=\"#timeline\">timeline</a> "
         "<a href=\"#latency\">latency</a> <a href=\"#rate\">throughput</a>"
      << (results.network.is_object() ? " <a href=\"#network\">network</a>" : "")
      << (in.messages && !in.messages->messages.empty() ? " <a href=\"#messages\">messages</a>" : "")
      << "</nav>\n<main>\n";

  out << "<section id=\"checkers\"><h2>Verdicts</h2><table><tr><th>checker</th><th>verdict</th><th>details</th></tr>";
  for (const auto& [name, checker] : results.checkers) {
    const std::string v(to_string(ResultsFile::valid_of(checker)));
    out << "<tr><td>" << html_text(name) << "</td><td class=\"v-" << v << "\">" << v << "</td><td>"
        << html_text(checker_note(checker)) << "</td></tr>";
  }
  if (results.checkers.empty()) out << "<tr><td colspan=\"3\">no checker ran</td></tr>";
  out << "</table></section>\n";

  out << "<section id=\"settings\"><h2>Settings</h2><table>";
  for (auto it = in.settings.begin(); in.settings.is_object() && it != in.settings.end(); ++it)
    out << "<tr><th>" << html_text(it.key()) << "</th><td>"
        << html_text(it.value().is_string() ? clip(it.value().get<std::string>(), 400) : short_json(it.value(), 400))
        << "</td></tr>";
  if (in.settings.empty()) out << "<tr><td>none recorded</td></tr>";
  out << "</table></section>\n";

  out << "<section id=\"counts\"><h2>Operations</h2><table><tr><th>f</th><th>ok</th><th>fail</th><th>info</th><th>total</th></tr>";
  {
    std::vector<std::array<std::int64_t, 3>> by_f(t.fs.size(), {0, 0, 0});
    std::array<std::int64_t, 3> total{0, 0, 0};
    if (sum) {
      for (std::size_t f = 0; f < sum->by_f.size() && f < by_f.size(); ++f)
        for (int o = 0; o < 3; ++o) by_f[f][o] = sum->by_f[f][o], total[o] += sum->by_f[f][o];
    } else {
      for (std::size_t i = 0; i < t.size(); ++i) {
        ++by_f[static_cast<std::size_t>(t.f[i])][t.outcome[i]];
        ++total[t.outcome[i]];
      }
    }
    std::vector<std::size_t> order(t.fs.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return t.fs[a] < t.fs[b]; });
    for (std::size_t f : order)
      out << "<tr><td>" << html_text(t.fs[f]) << "</td><td>" << by_f[f][0] << "</td><td>" << by_f[f][1] << "</td><td>"
          << by_f[f][2] << "</td><td>" << by_f[f][0] + by_f[f][1] + by_f[f][2] << "</td></tr>";
    out << "<tr class=\"total\"><td>all</td><td>" << total[0] << "</td><td>" << total[1] << "</td><td>" << total[2]
        << "</td><td>" << operations << "</td></tr>";
  }
  out << "</table><p class=\"note\">An op is <b>ok</b> when it happened, <b>fail</b> when it certainly did not, and "
         "<b>info</b> when it may or may not have (a timeout, a lost connection, or no completion at all).</p></section>\n";

  write_network_section(out, results.network);
  if (in.messages) write_messages_section(out, *in.messages);

  out << "<section id=\"files\"><h2>Files</h2><ul class=\"files\">";
  for (const std::string& f : in.files) {
    if (linkable(f)) out << "<li><a href=\"" << html_text(url_path(f)) << "\">" << html_text(f) << "</a></li>";
    else out << "<li><code>" << html_text(f) << "</code></li>";
  }
  out << "</ul></section>\n";

  out << "<section id=\"anomalies\"><h2>Anomalies</h2>";
  if (anomalies.empty()) {
    out << "<p class=\"none\">" << (verdict == "valid" ? "None: every checker found the history valid."
                                                       : "No checker named an anomaly.")
        << "</p>";
  } else {
    out << "<p class=\"note\">Each anomaly with the ops that prove it, drawn on their own timeline (columns follow "
           "the order of events, not their clock times). Click an op to find it in the big timeline.</p>";
  }
  for (std::size_t i = 0; i < anomalies.size(); ++i) write_anomaly(out, i, anomalies[i], ops, in.wire);
  out << "</section>\n";

  out << "<section id=\"timeline\"><h2>Timeline</h2>" << summary_note(t, sum)
      << "<div class=\"controls\"><button type=\"button\" id=\"tl-reset\">whole history</button> "
         "<button type=\"button\" id=\"tl-in\">zoom in</button> <button type=\"button\" id=\"tl-out\">zoom out</button> "
         "<span class=\"hint\">wheel: zoom · drag: pan · shift+wheel: scroll processes · click an op: details</span></div>"
         "<div class=\"legend\"><span class=\"sw ok\"></span>ok <span class=\"sw fail\"></span>fail "
         "<span class=\"sw info\"></span>info <span class=\"sw fault\"></span>fault window "
         "<span class=\"sw mark\"></span>op named by an anomaly · where ops are denser than a pixel, each pixel "
         "column shows the shares of ok, info and fail among them</div>"
         "<div class=\"canvas-wrap\" id=\"tl-wrap\"><canvas id=\"tl\"></canvas><div id=\"tip\" class=\"tip\" hidden></div></div>"
         "<p id=\"tl-status\" class=\"status\"></p><pre id=\"tl-detail\" class=\"detail\" hidden></pre></section>\n";

  auto plot_link = [&](const std::string& file) {
    if (std::find(in.plots.begin(), in.plots.end(), file) == in.plots.end()) return std::string();
    return " <span class=\"file\">also as an image: <a href=\"" + html_text(url_path(file)) + "\">" + html_text(file) + "</a></span>";
  };
  out << "<section id=\"latency\"><h2>Latency" << plot_link("latency.png")
      << "</h2><p class=\"note\">Each completed op is a point at its invocation (log scale); colour by f, shape by "
         "outcome. Follows the timeline's zoom.</p><div class=\"canvas-wrap\"><canvas id=\"lat\"></canvas></div>"
         "<div class=\"legend\" id=\"lat-legend\"></div></section>\n";
  out << "<section id=\"rate\"><h2>Throughput" << plot_link("rate.png")
      << "</h2><p class=\"note\">Completed ops per second by f and outcome. Follows the timeline's zoom.</p>"
         "<div class=\"canvas-wrap\"><canvas id=\"rate-plot\"></canvas></div><div class=\"legend\" id=\"rate-legend\"></div></section>\n";
  out << "</main>\n<noscript><p>The timeline and the plots need JavaScript; everything above is plain HTML.</p></noscript>\n";

  out << "<script type=\"application/json\" id=\"fl-data\">";
  write_page_data(out, t, in.title, anomalies, sum);
  out << "</script>\n<script>" << report_assets::kScript << "</script>\n</body></html>\n";
}

}  // namespace fl
