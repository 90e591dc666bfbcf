// The report's Network section, from a synthetic results.json (no cluster):
// the per-op table, each node's counts, the incompleteness sentence, the
// latency quantiles and their bars — as HTML, and in headless chromium,
// where the section renders with no console message.
#include <catch2/catch.hpp>

#include <sstream>

#include "tests/report/browser.h"
#include "tests/report/report_support.h"
#include "tests/report/synthetic_history.h"

using namespace fl;
using namespace fl::test;

namespace {

Json network_results(const History& h, bool complete) {
  Json results = check_history(h, {"stats"}, "cas-register", Json(0));
  Json node = {{"client-to-node", {{"msgs", 1000}, {"bytes", 64000}}},
               {"node-to-client", {{"msgs", 1000}, {"bytes", 58000}}},
               {"node-to-node-sent", {{"msgs", 2345}, {"bytes", 150000}}},
               {"node-to-node-received", {{"msgs", 2300}, {"bytes", 147000}}},
               {"incarnations", complete ? 1 : 2},
               {"complete", complete}};
  results["network"] = {
      {"ops", 3000},
      {"ops-counted", "every client op invoked"},
      {"counted", true},
      {"complete", complete},
      {"all", {{"msgs", 13035}, {"bytes", 816000}, {"msgs-per-op", 4.345}, {"bytes-per-op", 272.0}}},
      {"client-server", {{"msgs", 6000}, {"bytes", 366000}, {"msgs-per-op", 2.0}, {"bytes-per-op", 122.0}}},
      {"server-server", {{"msgs", 7035}, {"bytes", 450000}, {"msgs-per-op", 2.345}, {"bytes-per-op", 150.0}}},
      {"nodes", {{"n1", node}, {"n2", node}, {"n3", node}}},
      {"latency-ms", {{"ops", 2900}, {"p50", 1.25}, {"p95", 7.5}, {"p99", 19.0}, {"max", 412.0}}}};
  if (!complete) results["network"]["reason"] = "the figures are lower bounds: n2: <b>killed</b>";
  results["checkers"]["network-gates"] = {
      {"valid", false}, {"anomalies", Json::array()},
      {"missed", {"the highest latency was 412 ms, over --max-latency 400"}}};
  results["valid"] = false;
  return results;
}

History small_history() {
  SyntheticOptions o;
  o.ops = 3000;
  o.processes = 5;
  return synthetic_history(o);
}

}  // namespace

TEST_CASE("the report shows results.json's network figures and latency quantiles", "[report]") {
  const History h = small_history();
  ReportInput in;
  in.history = &h;
  in.results = network_results(h, false);
  in.title = "maelstrom-broadcast";
  std::ostringstream out;
  write_report_html(out, in);
  const std::string html = out.str();
  CHECK(html.find("<section id=\"network\">") != std::string::npos);
  CHECK(html.find("href=\"#network\"") != std::string::npos);
  CHECK(html.find("<td>server \xE2\x86\x94 server</td><td>7035</td><td>2.345</td>") != std::string::npos);
  CHECK(html.find("<td>client \xE2\x86\x94 server</td><td>6000</td><td>2</td>") != std::string::npos);
  CHECK(html.find("divided by the 3000 client ops invoked") != std::string::npos);
  CHECK(html.find("<td>2900</td><td>1.25 ms</td><td>7.5 ms</td><td>19 ms</td><td>412 ms</td>") != std::string::npos);
  CHECK(html.find("<svg class=\"net-lat\"") != std::string::npos);
  // Incomplete counts are said, escaped; a missed gate is the gate checker's note.
  CHECK(html.find("<b>Incomplete:</b> the figures are lower bounds: n2: &lt;b&gt;killed&lt;/b&gt;") != std::string::npos);
  CHECK(html.find("over --max-latency 400") != std::string::npos);

  // Without a network section, there is no such section.
  Json plain = check_history(h, {"stats"}, "cas-register", Json(0));
  in.results = plain;
  std::ostringstream none;
  write_report_html(none, in);
  CHECK(none.str().find("id=\"network\"") == std::string::npos);
}

TEST_CASE("the report's network section renders in chromium with no console message", "[report][browser]") {
  FL_REQUIRE_CHROMIUM();
  const History h = small_history();
  const std::string html = write_test_report("maelstrom-network", h, network_results(h, true),
                                             {{"system", "maelstrom"}, {"workload", "broadcast"}});
  Page p = open_page(html, artifact("maelstrom-network.png"));
  INFO("console:\n" << console_text(p));
  REQUIRE(p.run.ok());
  CHECK(p.console.empty());
  CHECK(p.num("errors") == 0);
  CHECK(p.num("drawn") == 3000);
  CHECK(p.dom.find("<h2>Network</h2>") != std::string::npos);
  CHECK(p.dom.find("Latency of ok ops") != std::string::npos);
  CHECK(p.dom.find("412 ms") != std::string::npos);
  CHECK(p.dom.find("Incomplete:") == std::string::npos);
  CHECK(p.dom.find("<rect") != std::string::npos);
  CHECK(p.shot.inked > 0.05);
}
