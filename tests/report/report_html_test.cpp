// The report without a browser: escaping, the data laid out for drawing
// (fault windows, shared lanes), gnuplot quoting, and that a report is a pure
// function of its inputs.
#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "report/html.h"
#include "report/page_data.h"
#include "report/plot_series.h"
#include "report/plots.h"
#include "report/report.h"
#include "report/timeline_data.h"
#include "tests/report/report_support.h"
#include "tests/report/synthetic_history.h"
#include "tests/report/xss_probe.h"

using namespace fl;

namespace {

Op event(std::int64_t process, OpType type, const std::string& f, Json value, std::int64_t time) {
  Op op;
  op.process = process;
  op.type = type;
  op.f = f;
  op.value = std::move(value);
  op.time = time;
  return op;
}

std::string report_of(const History& h, const Json& results, const Json& settings = Json::object()) {
  ReportInput in;
  in.history = &h;
  in.results = results;
  in.settings = settings;
  in.title = "t";
  std::ostringstream out;
  write_report_html(out, in);
  return out.str();
}

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = 0; (at = s.find(what, at)) != std::string::npos; at += what.size()) ++n;
  return n;
}

}  // namespace

TEST_CASE("html_text escapes every markup character and replaces invalid UTF-8", "[report]") {
  CHECK(html_text("<a href=\"x\" title='y'>&</a>") == "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  CHECK(html_text("caf\xC3\xA9 \xE2\x86\x92") == "caf\xC3\xA9 \xE2\x86\x92");
  CHECK(html_text("bad \xFF\xC0 end") == "bad \xEF\xBF\xBD\xEF\xBF\xBD end");
  CHECK(html_text("cut \xE2\x86") == "cut \xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_CASE("script_json cannot close its script element and round-trips every value", "[report]") {
  for (const std::string& p : test::xss_payloads()) {
    const Json v = {{"k" + p, p}, {"list", {p, 1, nullptr}}};
    const std::string s = script_json(v);
    CHECK(s.find('<') == std::string::npos);
    CHECK(s.find('>') == std::string::npos);
    CHECK(s.find('&') == std::string::npos);
    CHECK(s.find("\xE2\x80\xA8") == std::string::npos);
    CHECK(Json::parse(s) == v);
  }
  CHECK(Json::parse(script_json(Json("bad \xFF"))) == Json("bad \xEF\xBF\xBD"));
  // The fast path for the page's many texts escapes the same way.
  for (const std::string& p : test::xss_payloads()) {
    const std::string s = script_json_string(p + "\x01\"\\\n");
    CHECK(s.find_first_of("<>&") == std::string::npos);
    CHECK(Json::parse(s) == Json(p + "\x01\"\\\n"));
  }
  CHECK(Json::parse(script_json_string("bad \xFF")) == Json("bad \xEF\xBF\xBD"));
}

TEST_CASE("a report shows no string of the history or the results as markup", "[report]") {
  History h = test::xss_history();
  Json results = {{"valid", false}, {"checkers", {{test::xss_payloads()[1], test::xss_results_entry()}}}};
  const std::string html = report_of(h, results, {{test::xss_payloads()[0], test::xss_payloads()[3]}});
  CHECK(count(html, "<script") == 2);  // the data block and the page's own script
  CHECK(count(html, "</script>") == 2);
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find("<svg") == std::string::npos);
  CHECK(html.find("<textarea") == std::string::npos);
  CHECK(html.find("<style>body") == std::string::npos);
  for (const std::string& p : test::xss_payloads()) CHECK(html.find(p) == std::string::npos);
  CHECK(html.find("&lt;script&gt;document.documentElement") != std::string::npos);
  // The CSP names the page's script by hash: no other script may run.
  CHECK(html.find("script-src 'sha256-") != std::string::npos);
  CHECK(html.find("default-src 'none'") != std::string::npos);
}

TEST_CASE("a report is a pure function of its history, results and settings", "[report]") {
  test::SyntheticOptions o;
  o.ops = 500;
  o.fault_every_s = 0.02;
  History h = test::synthetic_history(o);
  Json results = {{"valid", true}, {"checkers", {{"stats", {{"valid", true}, {"anomalies", Json::array()}}}}}};
  CHECK(report_of(h, results) == report_of(h, results));
}

TEST_CASE("the timeline shows every integer value as it is, unsigned ones past 2^63 too", "[report]") {
  // They were read through int64_t: 18446744073709551615 was drawn as -1,
  // and shared -1's text.
  std::vector<Op> ops = {
      event(0, OpType::Invoke, "write", Json(std::uint64_t{18446744073709551615ULL}), 10),
      event(0, OpType::Ok, "write", Json(std::uint64_t{18446744073709551615ULL}), 11),
      event(0, OpType::Invoke, "write", Json(std::int64_t{-1}), 12),
      event(0, OpType::Ok, "write", Json(std::int64_t{-1}), 13),
  };
  TimelineData t = layout_timeline(History(ops, "t"));
  REQUIRE(t.size() == 2);
  CHECK(t.texts[static_cast<std::size_t>(t.arg[0])] == "18446744073709551615");
  CHECK(t.texts[static_cast<std::size_t>(t.arg[1])] == "-1");
}

TEST_CASE("fault windows follow faultline's start-/stop- events, Jepsen's start/stop, kill/start and heal",
          "[report]") {
  std::vector<Op> ops = {
      event(kNemesis, OpType::Info, "start-partition", Json{{"n1", {"n2"}}}, 10),
      event(0, OpType::Invoke, "read", nullptr, 15),
      event(0, OpType::Ok, "read", 1, 16),
      event(kNemesis, OpType::Info, "stop-partition", nullptr, 20),
      event(kNemesis, OpType::Info, "bump-clock", 5, 25),
      event(kNemesis, OpType::Info, "kill", Json::array({"n1"}), 30),
      event(kNemesis, OpType::Info, "start", Json::array({"n1"}), 40),
      event(kNemesis, OpType::Info, "pause", nullptr, 50),
      event(kNemesis, OpType::Info, "heal", nullptr, 60),
      event(kNemesis, OpType::Info, "start-loss", nullptr, 70),
  };
  TimelineData t = layout_timeline(History(ops, "t"));
  REQUIRE(t.faults.size() == 5);
  CHECK(t.faults[0].name == "partition");
  CHECK(t.faults[0].start == 0);  // times are relative to the first event
  CHECK(t.faults[0].end == 10);
  CHECK(t.faults[0].label.find("n2") != std::string::npos);
  CHECK(t.faults[1].name == "bump-clock");
  CHECK(t.faults[1].start == t.faults[1].end);
  CHECK(t.faults[2].name == "kill");
  CHECK(t.faults[2].end == 30);
  CHECK(t.faults[3].name == "pause");
  CHECK(t.faults[3].end == 50);
  CHECK(t.faults[4].name == "loss");
  CHECK(t.faults[4].end == t.t_end);  // never stopped: to the end

  // Jepsen's classic nemesis: "start" starts a fault (recorded twice), "stop" ends it.
  std::vector<Op> classic = {
      event(kNemesis, OpType::Info, "start", nullptr, 10),
      event(kNemesis, OpType::Info, "start", "Cut off {:n1 #{:n2}}", 11),
      event(0, OpType::Invoke, "read", nullptr, 12),
      event(0, OpType::Ok, "read", 1, 13),
      event(kNemesis, OpType::Info, "stop", nullptr, 20),
      event(kNemesis, OpType::Info, "stop", "fully connected", 21),
  };
  TimelineData c = layout_timeline(History(classic, "t"));
  REQUIRE(c.faults.size() == 1);
  CHECK(c.faults[0].start == 0);
  CHECK(c.faults[0].end == 11);
  CHECK(c.faults[0].label.find("Cut off") != std::string::npos);
}

TEST_CASE("with more processes than lanes, processes that never overlap share a lane", "[report]") {
  test::SyntheticOptions o;
  o.ops = 4000;
  o.processes = 4;
  o.fault_every_s = 0.05;  // timeouts retire processes: many more than 32
  History h = test::synthetic_history(o);
  TimelineData t = layout_timeline(h);
  std::set<std::int64_t> processes(t.process.begin(), t.process.end());
  REQUIRE(processes.size() > kMaxProcessLanes);
  CHECK(t.lanes.size() <= 4);
  CHECK(t.size() == h.pairs().size());
  for (std::size_t i = 1; i < t.size(); ++i) {
    if (t.lane[i] != t.lane[i - 1]) {
      CHECK(t.lane[i] > t.lane[i - 1]);
      continue;
    }
    // Within a lane, each op starts after the previous one ended.
    CHECK(t.start[i] >= t.end[i - 1]);
    CHECK(t.end[i - 1] >= 0);
  }
}

TEST_CASE("gnuplot strings from a history cannot end their quotes or run a command", "[report]") {
  CHECK(gnuplot_quote("it's") == "'it''s'");
  CHECK(gnuplot_quote("a`rm -rf /`b") == "'a rm -rf / b'");
  CHECK(gnuplot_quote("line\nset output '/etc/x'") == "'line set output ''/etc/x'''");
  std::vector<Op> ops = {event(kNemesis, OpType::Info, "start-x'\n!rm", nullptr, 1),
                         event(0, OpType::Invoke, "r'`", nullptr, 2), event(0, OpType::Ok, "r'`", 1, 3)};
  for (const PlotScript& p : plot_scripts(layout_timeline(History(ops, "t")), "t'`")) {
    CHECK(p.script.find('`') == std::string::npos);
    CHECK(p.script.find("\n!rm") == std::string::npos);
    CHECK(p.script.find("set output\n") != std::string::npos);  // stdout, no path
  }
}

TEST_CASE("the gnuplot images and the page's canvas plots take their colours and series names from one place",
          "[report]") {
  // Nine operation names: the ninth takes the first colour again.
  std::vector<Op> ops;
  for (int f = 0; f < 9; ++f) {
    const std::string name = "f" + std::to_string(f);
    ops.push_back(event(f, OpType::Invoke, name, nullptr, 10 * f));
    ops.push_back(event(f, OpType::Ok, name, nullptr, 10 * f + 5));
  }
  ops.push_back(event(0, OpType::Invoke, "f0", nullptr, 100));
  ops.push_back(event(0, OpType::Fail, "f0", nullptr, 105));
  const TimelineData t = layout_timeline(History(ops, "t"));
  REQUIRE(t.fs.size() == 9);
  for (const PlotScript& p : plot_scripts(t, "t")) {
    INFO(p.file);
    for (std::size_t f = 0; f < t.fs.size(); ++f)
      CHECK(p.script.find("lc rgb '" + std::string(series_color(f)) + "' title '" + series_name(t.fs[f], kRowOk) + "'") !=
            std::string::npos);
    CHECK(p.script.find("title '" + series_name("f0", kRowFail) + "'") != std::string::npos);
  }
  CHECK(std::string(series_color(8)) == series_color(0));

  // The page's data block carries the same palette and outcome names, and
  // the page's script has no colour list of its own.
  std::ostringstream data;
  write_page_data(data, t, "t", {});
  const Json page = Json::parse(data.str());
  CHECK(page.at("palette") == Json(kSeriesPalette));
  CHECK(page.at("outcomes") == Json(kOutcomeNames));
  std::ifstream js(std::string(FL_SOURCE_DIR) + "/report/assets/report.js");
  const std::string script((std::istreambuf_iterator<char>(js)), {});
  REQUIRE(!script.empty());
  CHECK(script.find("D.palette") != std::string::npos);
  for (const char* colour : kSeriesPalette) CHECK(script.find(colour) == std::string::npos);
}

TEST_CASE("a refutation after a cut says where its order starts and which states it was searched from",
          "[report]") {
  // 40 rounds of two overlapping writes (1, 2) and a read, then a stale read
  // after a point where nothing is open: the linearizable checker refutes
  // the stretch after the cut from both states the rounds can leave.
  std::vector<Op> ops;
  std::int64_t t = 0;
  auto add = [&](std::int64_t p, OpType type, const char* f, Json v) { ops.push_back(event(p, type, f, std::move(v), t++)); };
  for (int r = 0; r < 40; ++r) {
    add(1, OpType::Invoke, "write", 1);
    add(2, OpType::Invoke, "write", 2);
    add(1, OpType::Ok, "write", 1);
    add(2, OpType::Ok, "write", 2);
    add(3, OpType::Invoke, "read", nullptr);
    add(3, OpType::Ok, "read", r % 2 ? 1 : 2);
  }
  add(5, OpType::Invoke, "write", 3);
  add(6, OpType::Invoke, "write", 4);
  for (int v : {3, 4, 3}) {
    add(7, OpType::Invoke, "read", nullptr);
    add(7, OpType::Ok, "read", v);
  }
  add(5, OpType::Ok, "write", 3);
  add(6, OpType::Ok, "write", 4);
  add(7, OpType::Invoke, "write", 3);
  add(7, OpType::Ok, "write", 3);
  const History h(std::move(ops), "cut.jsonl");
  const Json results = test::check_history(h, {"linearizable"}, "register", std::nullopt);
  const Json& a = results["checkers"]["linearizable"]["anomalies"].at(0);
  REQUIRE(a["method"] == "wgl after a cut");
  REQUIRE(a["cut"]["entry_states"] == Json::array({"1", "2"}));
  const std::string html = report_of(h, results);
  CHECK(html.find("so there the model is in one of the states <code>1</code>, <code>2</code>") != std::string::npos);
  CHECK(html.find(" ops from there on one after another") != std::string::npos);
  CHECK(html.find("from none of the other states does any order get through either") != std::string::npos);
  // The op the cut comes before is a button like every op the anomaly names.
  CHECK(html.find(fmt::format("data-op=\"{}\"", a["cut"]["first_op"].get<std::int64_t>())) != std::string::npos);
}

TEST_CASE("an anomaly lists what the clients said for its ops, in the order sent, as text", "[report]") {
  // A stale read: write 1, write 2, then a read of 1 — with the statements
  // each op sent, one of them carrying markup.
  std::vector<Op> ops;
  std::int64_t t = 0;
  auto add = [&](std::int64_t p, OpType type, const char* f, Json v) {
    ops.push_back(event(p, type, f, std::move(v), t));
    t += 1000000;
  };
  add(1, OpType::Invoke, "write", 1);  // index 0
  add(1, OpType::Ok, "write", 1);
  add(2, OpType::Invoke, "write", 2);  // index 2
  add(2, OpType::Ok, "write", 2);
  add(3, OpType::Invoke, "read", nullptr);  // index 4
  add(3, OpType::Ok, "read", 1);
  const History h(std::move(ops), "wire.jsonl");
  const Json results = test::check_history(h, {"linearizable"}, "register", std::nullopt);
  REQUIRE(results["checkers"]["linearizable"]["valid"] == false);
  const std::set<std::int64_t> wanted = wire_ops(h, results);
  CHECK(wanted.count(4) == 1);  // the read, by its invoke
  WireMap wire;
  auto x = [](std::int64_t process, std::int64_t op, std::int64_t sent, std::string request, std::string answer) {
    WireExchange e;
    e.process = process;
    e.op = op;
    e.node = "n1";
    e.sent = sent;
    e.answered = sent + 500000;
    e.request = std::move(request);
    e.answer = std::move(answer);
    return e;
  };
  for (std::int64_t op : wanted) {
    if (op == 4) wire[4] = {x(3, 4, 4100000, "GET /kv/r <b>", "200 {\"value\":1}")};
    if (op == 2) wire[2] = {x(2, 2, 2100000, "PUT /kv/r 2", "200 {}")};
    if (op == 0) wire[0] = {x(1, 0, 100000, "PUT /kv/r 1", "200 {}")};
  }
  ReportInput in;
  in.history = &h;
  in.results = results;
  in.title = "t";
  in.wire = &wire;
  std::ostringstream out;
  write_report_html(out, in);
  const std::string html = out.str();
  CHECK(html.find("What the clients said on the wire") != std::string::npos);
  CHECK(html.find("GET /kv/r &lt;b&gt;") != std::string::npos);  // text, never markup
  CHECK(html.find("GET /kv/r <b>") == std::string::npos);
  if (wire.count(2)) CHECK(html.find("PUT /kv/r 2") < html.find("GET /kv/r &lt;b&gt;"));  // in the order sent
  CHECK(report_of(h, results).find("What the clients said") == std::string::npos);  // no wire log, no table
}

// A results.json may come from elsewhere, or from an older faultline: an
// anomaly naming only the op that failed (no prefix_length, no order) is
// drawn with what it has, never a crash.
TEST_CASE("a linearizability anomaly that names only its failed op is drawn with what it has", "[report]") {
  std::vector<Op> ops = {event(1, OpType::Invoke, "read", nullptr, 0), event(1, OpType::Ok, "read", 5, 1)};
  ops[0].index = 0;
  ops[1].index = 1;
  const History h(std::move(ops), "failed-only.jsonl");
  const Json results = {{"valid", false},
                        {"checkers",
                         {{"linearizable",
                           {{"valid", false},
                            {"anomalies", Json::array({{{"kind", "not-linearizable"}, {"ops", {1}}, {"failed_op", {1}}}})}}}}}};
  std::string html;
  REQUIRE_NOTHROW(html = report_of(h, results));
  CHECK(html.find("no order of the ops above lets the model accept it") != std::string::npos);
}
