#include "report/store_index.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "report/assets.h"
#include "report/html.h"

namespace fl {

std::string stamp_time(const std::string& stamp) {
  if (stamp.size() < 15 || stamp[8] != 'T' ||
      !std::all_of(stamp.begin(), stamp.begin() + 8, [](unsigned char c) { return std::isdigit(c); }) ||
      !std::all_of(stamp.begin() + 9, stamp.begin() + 15, [](unsigned char c) { return std::isdigit(c); }))
    return stamp;
  return fmt::format("{}-{}-{} {}:{}:{} UTC", stamp.substr(0, 4), stamp.substr(4, 2), stamp.substr(6, 2),
                     stamp.substr(9, 2), stamp.substr(11, 2), stamp.substr(13, 2));
}

std::string store_index_html(const std::string& store, std::vector<RunSummary> runs) {
  std::sort(runs.begin(), runs.end(), [](const RunSummary& a, const RunSummary& b) {
    return a.stamp != b.stamp ? a.stamp > b.stamp : a.test < b.test;
  });
  std::string s;
  s += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  s += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n";
  s += "<title>faultline store — " + html_text(store) + "</title>\n<style>";
  s += report_assets::kStyle;
  s += "</style></head><body>\n";
  s += "<header class=\"verdict\"><div><h1>faultline store</h1><p>" + html_text(store) + " · " +
       std::to_string(runs.size()) + " run" + (runs.size() == 1 ? "" : "s") + ", newest first</p></div></header>\n<main>\n";
  s += "<section><table class=\"runs\"><tr><th>time</th><th>test</th><th>verdict</th><th>ops</th><th>report</th><th>files</th></tr>\n";
  for (const RunSummary& r : runs) {
    const std::string v = r.verdict == "valid" || r.verdict == "invalid" || r.verdict == "unknown" ? r.verdict : "none";
    s += "<tr><td>" + html_text(stamp_time(r.stamp)) + "</td><td>" + html_text(r.test) + "</td><td class=\"v-" + v + "\">" +
         html_text(r.verdict) + "</td><td>" + (r.ops >= 0 ? std::to_string(r.ops) : "?") + "</td><td>";
    if (r.has_report) s += "<a href=\"" + html_text(r.href) + "report.html\">report</a>";
    else s += "none yet (<code>faultline report</code> makes one)";
    s += "</td><td><a href=\"" + html_text(r.href) + "history.jsonl\">history</a> · <a href=\"" + html_text(r.href) +
         "results.json\">results</a> · <a href=\"" + html_text(r.href) + "faultline.log\">log</a></td></tr>\n";
  }
  if (runs.empty()) s += "<tr><td colspan=\"6\">No runs yet: <code>faultline test …</code> stores them here.</td></tr>\n";
  s += "</table></section>\n</main></body></html>\n";
  return s;
}

}  // namespace fl
