#include "report/network_view.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include <fmt/format.h>

#include "report/html.h"

namespace fl {
namespace {

// A number as results.json has it, or "–" when it is not one.
std::string figure(const Json& v) {
  if (v.is_number_unsigned()) return std::to_string(v.get<std::uint64_t>());
  if (v.is_number()) return fmt::format("{:g}", v.get<double>());
  return "\xE2\x80\x93";
}

Json field(const Json& o, const char* key) { return o.is_object() && o.contains(key) ? o[key] : Json(); }

// The latency quantiles as horizontal bars, the longest bar the slowest op.
void write_latency_bars(std::ostream& out, const Json& l) {
  const char* names[] = {"p50", "p95", "p99", "max"};
  double top = 0;
  for (const char* n : names) top = std::max(top, field(l, n).is_number() ? field(l, n).get<double>() : 0.0);
  if (top <= 0) return;
  const int width = 420, bar_h = 18, gap = 6, label_w = 44, text_w = 90;
  const int height = 4 * (bar_h + gap);
  out << "<svg class=\"net-lat\" role=\"img\" aria-label=\"latency quantiles\" width=\"" << width + label_w + text_w
      << "\" height=\"" << height << "\" viewBox=\"0 0 " << width + label_w + text_w << " " << height << "\">";
  int y = 0;
  for (const char* n : names) {
    const double v = field(l, n).is_number() ? field(l, n).get<double>() : 0.0;
    const int w = std::max(1, static_cast<int>(v / top * width));
    out << "<text x=\"0\" y=\"" << y + bar_h - 4 << "\" font-size=\"12\" fill=\"#555\">" << n << "</text>"
        << "<rect x=\"" << label_w << "\" y=\"" << y << "\" width=\"" << w << "\" height=\"" << bar_h
        << "\" fill=\"" << (n[0] == 'm' ? "#b0201c" : "#3b6fb6") << "\"></rect>"
        << "<text x=\"" << label_w + w + 6 << "\" y=\"" << y + bar_h - 4 << "\" font-size=\"12\" fill=\"#222\">"
        << html_text(figure(field(l, n))) << " ms</text>";
    y += bar_h + gap;
  }
  out << "</svg>";
}

}  // namespace

void write_network_section(std::ostream& out, const Json& n) {
  if (!n.is_object()) return;
  out << "<section id=\"network\"><h2>Network</h2>";
  const Json l = field(n, "latency-ms");
  if (field(n, "counted") == true) {
    out << "<table class=\"net\"><tr><th>messages</th><th>msgs</th><th>msgs per op</th><th>bytes</th><th>bytes per op</th></tr>";
    const std::pair<const char*, const char*> rows[] = {
        {"server-server", "server \xE2\x86\x94 server"}, {"client-server", "client \xE2\x86\x94 server"}, {"all", "all"}};
    for (const auto& [key, label] : rows) {
      const Json r = field(n, key);
      out << "<tr" << (std::string(key) == "all" ? " class=\"total\"" : "") << "><td>" << label << "</td><td>"
          << html_text(figure(field(r, "msgs"))) << "</td><td>" << html_text(figure(field(r, "msgs-per-op")))
          << "</td><td>" << html_text(figure(field(r, "bytes"))) << "</td><td>"
          << html_text(figure(field(r, "bytes-per-op"))) << "</td></tr>";
    }
    out << "</table><p class=\"note\">Per op: divided by the " << html_text(figure(field(n, "ops")))
        << " client ops invoked (ok, fail and info alike, final reads included), as Maelstrom counts. Server "
           "\xE2\x86\x94 server is every message a node sent another, whether it arrived or not.</p>";
    if (field(n, "complete") != true)
      out << "<p class=\"net-incomplete\"><b>Incomplete:</b> "
          << html_text(field(n, "reason").is_string() ? field(n, "reason").get<std::string>() : "some counts are missing")
          << "</p>";
    const Json nodes = field(n, "nodes");
    if (nodes.is_object() && !nodes.empty()) {
      out << "<table class=\"net-nodes\"><tr><th>node</th><th>client \xE2\x86\x92 node</th><th>node \xE2\x86\x92 "
             "client</th><th>node \xE2\x86\x92 node sent</th><th>node \xE2\x86\x92 node received</th><th>router "
             "runs</th><th>counts</th></tr>";
      for (const auto& [name, c] : nodes.items()) {
        out << "<tr><td>" << html_text(name) << "</td>";
        for (const char* d : {"client-to-node", "node-to-client", "node-to-node-sent", "node-to-node-received"})
          out << "<td>" << html_text(figure(field(field(c, d), "msgs"))) << " msgs, "
              << html_text(figure(field(field(c, d), "bytes"))) << " B</td>";
        out << "<td>" << html_text(figure(field(c, "incarnations"))) << "</td><td>"
            << (field(c, "complete") == true ? "complete" : "incomplete") << "</td></tr>";
      }
      out << "</table>";
    }
  } else {
    out << "<p class=\"note\">This system does not count its messages; only the latency is measured.</p>";
  }
  out << "<h3>Latency of ok ops</h3>";
  if (field(l, "ops").is_number() && field(l, "ops").get<double>() > 0) {
    out << "<table class=\"net-latency\"><tr><th>ok ops</th><th>p50</th><th>p95</th><th>p99</th><th>max</th></tr><tr><td>"
        << html_text(figure(field(l, "ops"))) << "</td>";
    for (const char* q : {"p50", "p95", "p99", "max"}) out << "<td>" << html_text(figure(field(l, q))) << " ms</td>";
    out << "</tr></table>";
    write_latency_bars(out, l);
  } else {
    out << "<p class=\"none\">No op succeeded: there is no latency to show.</p>";
  }
  out << "</section>\n";
}

}  // namespace fl
