#include "report/report.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "report/assets.h"
#include "report/html.h"
#include "report/timeline_data.h"

namespace fl {
namespace {

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(const void* data, std::size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  std::string out;
  out.reserve((n + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < n; i += 3) {
    const unsigned v = (p[i] << 16) | (p[i + 1] << 8) | p[i + 2];
    out += kBase64[v >> 18], out += kBase64[(v >> 12) & 63], out += kBase64[(v >> 6) & 63], out += kBase64[v & 63];
  }
  if (i + 1 == n) {
    const unsigned v = p[i] << 16;
    out += kBase64[v >> 18], out += kBase64[(v >> 12) & 63], out += "==";
  } else if (i + 2 == n) {
    const unsigned v = (p[i] << 16) | (p[i + 1] << 8);
    out += kBase64[v >> 18], out += kBase64[(v >> 12) & 63], out += kBase64[(v >> 6) & 63], out += '=';
  }
  return out;
}

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

// CSP names a script by the base64 of its SHA-256; CMake gives us hex.
std::string csp_hash(const char* hex) {
  std::string bytes;
  for (const char* p = hex; p[0] && p[1]; p += 2) bytes += static_cast<char>(std::stoi(std::string(p, 2), nullptr, 16));
  return "'sha256-" + base64(bytes.data(), bytes.size()) + "'";
}

std::string verdict_word(const Json& v) {
  if (v.is_boolean()) return v.get<bool>() ? "valid" : "invalid";
  return "unknown";
}

// The ops the anomalies name, found by `index` (of either end of an op).
class OpFinder {
 public:
  OpFinder(const History& h, const std::set<std::int64_t>& wanted) : h_(h) {
    for (std::size_t i = 0; i < h.size(); ++i)
      if (wanted.count(h[i].index)) pos_.emplace(h[i].index, i);
  }
  // "op 12, process 3: write 3 → ok" — plain text, to be escaped by the caller.
  std::string describe(std::int64_t index) const {
    auto it = pos_.find(index);
    if (it == pos_.end()) return fmt::format("op {} (not in the history)", index);
    const Op& e = h_[it->second];
    if (e.is_nemesis()) return fmt::format("op {}, nemesis: {} {}", index, clip(e.f, 60), short_json(e.value, 80));
    const std::int64_t other = h_.partner(it->second);
    const Op& inv = e.is_invoke() ? e : other >= 0 ? h_[static_cast<std::size_t>(other)] : e;
    const Op* done = e.is_invoke() ? (other >= 0 ? &h_[static_cast<std::size_t>(other)] : nullptr) : &e;
    std::string s = fmt::format("op {}, process {}: {}", index, inv.process, clip(inv.f, 60));
    if (!inv.value.is_null()) s += " " + short_json(inv.value, 80);
    if (!done) return s + " → never completed (info)";
    if (!done->value.is_null() && done->value != inv.value) s += " → " + short_json(done->value, 80);
    s += fmt::format(" ({})", to_string(done->type));
    if (!done->error.empty()) s += ": " + clip(done->error, 120);
    return s;
  }

 private:
  const History& h_;
  std::unordered_map<std::int64_t, std::size_t> pos_;
};

struct AnomalyRef {
  std::string checker;
  const Json* anomaly;
};

std::string op_button(const OpFinder& ops, std::int64_t index) {
  return fmt::format("<button type=\"button\" class=\"op\" data-op=\"{}\">{}</button>", index,
                     html_text(ops.describe(index)));
}

std::vector<std::int64_t> index_list(const Json& j) {
  std::vector<std::int64_t> out;
  if (j.is_array())
    for (const Json& x : j)
      if (x.is_number_integer()) out.push_back(x.get<std::int64_t>());
  if (j.is_number_integer()) out.push_back(j.get<std::int64_t>());
  return out;
}

// Labels the small timeline puts on an anomaly's ops: for a
// linearizability counterexample, "n:" for the n-th op of the linearized
// prefix and "X" for the op that cannot be placed.
Json op_labels(const Json& a) {
  Json labels = Json::object();
  if (a.contains("linearized_prefix_tail") && a.contains("prefix_length")) {
    const auto tail = index_list(a["linearized_prefix_tail"]);
    const std::int64_t n = a["prefix_length"].is_number_integer() ? a["prefix_length"].get<std::int64_t>() : 0;
    for (std::size_t k = 0; k < tail.size(); ++k)
      labels[std::to_string(tail[k])] = fmt::format("{}:", n - static_cast<std::int64_t>(tail.size() - k) + 1);
  }
  for (std::int64_t x : index_list(a.value("failed_op", Json())))
    labels[std::to_string(x)] = "X";
  return labels;
}

void write_linear_detail(std::ostream& out, const Json& a, const OpFinder& ops) {
  const auto tail = index_list(a.value("linearized_prefix_tail", Json()));
  const auto pending = index_list(a.value("pending", Json()));
  const auto failed = index_list(a.value("failed_op", Json()));
  const std::int64_t n = a.value("prefix_length", Json(0)).is_number_integer() ? a["prefix_length"].get<std::int64_t>() : 0;
  out << "<ol class=\"steps\">";
  if (!tail.empty())
    out << fmt::format("<li>The model can order the first {} ops one after another; the last {} of that order are, in "
                       "order: {}.</li>",
                       n, tail.size(), [&] {
                         std::string s;
                         for (std::int64_t x : tail) s += (s.empty() ? "" : ", ") + op_button(ops, x);
                         return s;
                       }());
  if (a.contains("states") && a["states"].is_array() && !a["states"].empty()) {
    std::string s;
    for (const Json& st : a["states"])
      s += (s.empty() ? "" : ", ") + std::string("<code>") +
           html_text(st.is_string() ? clip(st.get<std::string>(), 200) : short_json(st, 200)) + "</code>";
    out << "<li>That order leaves the model in " << (a["states"].size() == 1 ? "the state " : "one of the states ") << s
        << ".</li>";
  }
  if (!pending.empty()) {
    std::string s;
    for (std::int64_t x : pending) s += (s.empty() ? "" : ", ") + op_button(ops, x);
    out << "<li>Still running then, and tried in every order before it: " << s << ".</li>";
  }
  if (!failed.empty())
    out << "<li>" << op_button(ops, failed[0])
        << " must take effect before it returns, but no order of the ops above lets the model accept it.</li>";
  out << "</ol>";
}

// Arrays of objects with an "explanation" (a cycle's edges) read as steps.
void write_steps(std::ostream& out, const Json& a, const OpFinder& ops) {
  for (auto it = a.begin(); it != a.end(); ++it) {
    if (!it.value().is_array() || it.value().empty() || !it.value()[0].is_object() ||
        !it.value()[0].contains("explanation"))
      continue;
    out << "<p class=\"steps-title\">" << html_text(it.key()) << ", edge by edge:</p><ol class=\"steps\">";
    for (const Json& step : it.value()) {
      out << "<li>";
      if (step.contains("from") && step.contains("to") && step["from"].is_number_integer() &&
          step["to"].is_number_integer())
        out << op_button(ops, step["from"].get<std::int64_t>()) << " → " << op_button(ops, step["to"].get<std::int64_t>())
            << " ";
      if (step.contains("type")) out << "<span class=\"edge\">" << html_text(short_json(step["type"], 40)) << "</span> ";
      const Json& why = step["explanation"];
      out << html_text(why.is_string() ? why.get<std::string>() : short_json(why, 400)) << "</li>";
    }
    out << "</ol>";
  }
}

const std::set<std::string> kShownElsewhere = {"kind", "ops", "explanation", "key", "linearized_prefix_tail",
                                               "pending", "failed_op", "states", "states_complete"};

void write_anomaly(std::ostream& out, std::size_t id, const AnomalyRef& ref, const OpFinder& ops) {
  const Json& a = *ref.anomaly;
  const std::string kind = a.contains("kind") && a["kind"].is_string() ? a["kind"].get<std::string>() : "anomaly";
  out << fmt::format("<article class=\"anomaly\" id=\"anomaly-{}\">", id);
  out << "<h3>" << html_text(kind) << " <span class=\"by\">found by " << html_text(ref.checker) << "</span>";
  if (a.contains("key") && !a["key"].is_null()) out << " <span class=\"key\">key " << html_text(short_json(a["key"], 80)) << "</span>";
  out << "</h3>";
  if (a.contains("explanation"))
    out << "<p class=\"why\">"
        << html_text(a["explanation"].is_string() ? a["explanation"].get<std::string>() : short_json(a["explanation"], 800))
        << "</p>";
  if (a.contains("linearized_prefix_tail") || a.contains("failed_op")) write_linear_detail(out, a, ops);
  write_steps(out, a, ops);
  std::string facts;
  for (auto it = a.begin(); it != a.end(); ++it) {
    if (kShownElsewhere.count(it.key())) continue;
    if (it.value().is_array() && !it.value().empty() && it.value()[0].is_object() && it.value()[0].contains("explanation"))
      continue;
    facts += "<dt>" + html_text(it.key()) + "</dt><dd>" +
             html_text(it.value().is_string() ? clip(it.value().get<std::string>(), 300) : short_json(it.value(), 300)) +
             "</dd>";
  }
  if (!facts.empty()) out << "<dl class=\"facts\">" << facts << "</dl>";
  out << fmt::format("<div class=\"mini\" data-anomaly=\"{}\"></div>", id);
  const auto idx = index_list(a.value("ops", Json()));
  if (!idx.empty()) {
    out << "<ul class=\"ops\">";
    for (std::int64_t x : idx) out << "<li>" << op_button(ops, x) << "</li>";
    out << "</ul>";
  }
  out << "</article>\n";
}

std::string checker_note(const Json& c) {
  std::vector<std::string> parts;
  if (c.contains("model") && c["model"].is_string()) parts.push_back("model " + c["model"].get<std::string>());
  if (c.contains("reason") && c["reason"].is_string()) parts.push_back(c["reason"].get<std::string>());
  if (c.contains("anomaly-counts") && c["anomaly-counts"].is_object())
    for (auto it = c["anomaly-counts"].begin(); it != c["anomaly-counts"].end(); ++it)
      parts.push_back(fmt::format("{} × {}", short_json(it.value(), 20), it.key()));
  else if (c.contains("anomalies") && c["anomalies"].is_array() && !c["anomalies"].empty())
    parts.push_back(fmt::format("{} anomal{}", c["anomalies"].size(), c["anomalies"].size() == 1 ? "y" : "ies"));
  std::string s;
  for (const auto& p : parts) s += (s.empty() ? "" : "; ") + p;
  return s;
}

bool linkable(const std::string& path) {
  return !path.empty() && path[0] != '/' && path.rfind("../", 0) != 0 && path.find("/../") == std::string::npos;
}

void write_data(std::ostream& out, const TimelineData& t, const std::string& title,
                const std::vector<AnomalyRef>& anomalies) {
  Json head = {{"title", title}, {"realTime", t.real_time}, {"origin", t.origin}, {"tEnd", t.t_end},
               {"lanes", t.lanes}, {"fs", t.fs}, {"n", t.size()}};
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
  std::string h = script_json(head);
  h.pop_back();  // reopen the object for the columns
  out << h << ",\"texts\":[";
  for (std::size_t i = 0; i < t.texts.size(); ++i) out << (i ? "," : "") << script_json(Json(t.texts[i]));
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
  out << "}}";
}

}  // namespace

void write_report_html(std::ostream& out, const ReportInput& in) {
  const History& h = *in.history;
  const TimelineData t = layout_timeline(h);

  std::vector<AnomalyRef> anomalies;
  std::set<std::int64_t> wanted;
  const Json& checkers = in.results.contains("checkers") ? in.results["checkers"] : Json::object();
  for (auto it = checkers.begin(); it != checkers.end(); ++it) {
    if (!it.value().contains("anomalies") || !it.value()["anomalies"].is_array()) continue;
    for (const Json& a : it.value()["anomalies"]) {
      if (!a.is_object()) continue;
      anomalies.push_back(AnomalyRef{it.key(), &a});
      for (std::int64_t x : index_list(a.value("ops", Json()))) wanted.insert(x);
      for (const char* k : {"linearized_prefix_tail", "pending", "failed_op"})
        for (std::int64_t x : index_list(a.value(k, Json()))) wanted.insert(x);
      for (auto f = a.begin(); f != a.end(); ++f)
        if (f.value().is_array())
          for (const Json& step : f.value())
            if (step.is_object())
              for (const char* k : {"from", "to"})
                for (std::int64_t x : index_list(step.value(k, Json()))) wanted.insert(x);
    }
  }
  const OpFinder ops(h, wanted);
  const std::string verdict = verdict_word(in.results.value("valid", Json("unknown")));

  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  out << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src "
      << csp_hash(report_assets::kScriptSha256) << "; style-src " << csp_hash(report_assets::kStyleSha256)
      << "; img-src data: blob:; base-uri 'none'; form-action 'none'\">\n";
  out << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out << "<title>" << html_text(in.title) << " — " << verdict << " — faultline</title>\n";
  out << "<style>" << report_assets::kStyle << "</style>\n</head>\n<body>\n";

  // Verdict first: what a reader came for.
  std::size_t events = h.size(), nemesis = 0;
  for (const Op& e : h.ops()) nemesis += e.is_nemesis();
  out << "<header class=\"verdict v-" << verdict << "\"><div class=\"word\">" << verdict << "</div><div><h1>"
      << html_text(in.title) << "</h1><p>" << t.size() << " operations, " << nemesis << " nemesis events, "
      << t.faults.size() << " fault windows, " << anomalies.size() << " anomal" << (anomalies.size() == 1 ? "y" : "ies")
      << " shown · " << events << " events · " << html_text(in.generator) << "</p>";
  if (in.results.contains("note") && in.results["note"].is_string())
    out << "<p class=\"note\">" << html_text(in.results["note"].get<std::string>()) << "</p>";
  out << "</div></header>\n";
  out << "<nav><a href=\"#checkers\">verdicts</a> <a href=\"#settings\">settings</a> <a href=\"#counts\">operations</a> "
         "<a href=\"#files\">files</a> <a href=\"#anomalies\">anomalies</a> <a href=\"#timeline\">timeline</a> "
         "<a href=\"#latency\">latency</a> <a href=\"#rate\">throughput</a></nav>\n<main>\n";

  out << "<section id=\"checkers\"><h2>Verdicts</h2><table><tr><th>checker</th><th>verdict</th><th>details</th></tr>";
  for (auto it = checkers.begin(); it != checkers.end(); ++it) {
    const std::string v = verdict_word(it.value().value("valid", Json("unknown")));
    out << "<tr><td>" << html_text(it.key()) << "</td><td class=\"v-" << v << "\">" << v << "</td><td>"
        << html_text(checker_note(it.value())) << "</td></tr>";
  }
  if (checkers.empty()) out << "<tr><td colspan=\"3\">no checker ran</td></tr>";
  out << "</table></section>\n";

  out << "<section id=\"settings\"><h2>Settings</h2><table>";
  for (auto it = in.settings.begin(); it != in.settings.end(); ++it)
    out << "<tr><th>" << html_text(it.key()) << "</th><td>"
        << html_text(it.value().is_string() ? clip(it.value().get<std::string>(), 400) : short_json(it.value(), 400))
        << "</td></tr>";
  if (in.settings.empty()) out << "<tr><td>none recorded</td></tr>";
  out << "</table></section>\n";

  out << "<section id=\"counts\"><h2>Operations</h2><table><tr><th>f</th><th>ok</th><th>fail</th><th>info</th><th>total</th></tr>";
  {
    std::vector<std::array<std::int64_t, 3>> by_f(t.fs.size(), {0, 0, 0});
    std::array<std::int64_t, 3> total{0, 0, 0};
    for (std::size_t i = 0; i < t.size(); ++i) {
      ++by_f[static_cast<std::size_t>(t.f[i])][t.outcome[i]];
      ++total[t.outcome[i]];
    }
    std::vector<std::size_t> order(t.fs.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return t.fs[a] < t.fs[b]; });
    for (std::size_t f : order)
      out << "<tr><td>" << html_text(t.fs[f]) << "</td><td>" << by_f[f][0] << "</td><td>" << by_f[f][1] << "</td><td>"
          << by_f[f][2] << "</td><td>" << by_f[f][0] + by_f[f][1] + by_f[f][2] << "</td></tr>";
    out << "<tr class=\"total\"><td>all</td><td>" << total[0] << "</td><td>" << total[1] << "</td><td>" << total[2]
        << "</td><td>" << t.size() << "</td></tr>";
  }
  out << "</table><p class=\"note\">An op is <b>ok</b> when it happened, <b>fail</b> when it certainly did not, and "
         "<b>info</b> when it may or may not have (a timeout, a lost connection, or no completion at all).</p></section>\n";

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
  for (std::size_t i = 0; i < anomalies.size(); ++i) write_anomaly(out, i, anomalies[i], ops);
  out << "</section>\n";

  out << "<section id=\"timeline\"><h2>Timeline</h2>"
         "<div class=\"controls\"><button type=\"button\" id=\"tl-reset\">whole history</button> "
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
  write_data(out, t, in.title, anomalies);
  out << "</script>\n<script>" << report_assets::kScript << "</script>\n</body></html>\n";
}

}  // namespace fl
