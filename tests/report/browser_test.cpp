// The report in a real browser (headless chromium): it loads with no console
// message, its timeline draws every op, every op an anomaly names is marked,
// and its screenshot is not blank — for a valid etcd-like history, for the
// invalid Knossos and Porcupine corpus histories, for a million ops, and for
// a real run of `faultline test`. Screenshots stay in build/report-screenshots/
// for people to look at; with FL_UPDATE_DOCS_IMAGE=1 the real run's screenshot
// also replaces docs/images/report.png, the README's picture of a report.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "history/format.h"
#include "tests/report/browser.h"
#include "tests/report/report_support.h"
#include "tests/report/synthetic_history.h"
#include "tests/report/xss_probe.h"

using namespace fl;
using namespace fl::test;

namespace {

struct CorpusCase {
  std::string path, format, model, init;
};

std::vector<CorpusCase> invalid_corpus(const std::string& prefix) {
  std::ifstream in(std::string(FL_CORPUS_DIR) + "/expected.tsv");
  std::vector<CorpusCase> out;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::stringstream s(line);
    CorpusCase c;
    std::string expected;
    std::getline(s, c.path, '\t');
    std::getline(s, c.format, '\t');
    std::getline(s, c.model, '\t');
    std::getline(s, c.init, '\t');
    std::getline(s, expected, '\t');
    if (expected == "invalid" && c.path.rfind(prefix, 0) == 0) out.push_back(c);
  }
  return out;
}

void check_page(const Page& p, long ops) {
  INFO("console:\n" << console_text(p));
  INFO("browser exit " << p.run.exit_code << ", stderr tail: " << p.run.err.substr(p.run.err.size() > 600 ? p.run.err.size() - 600 : 0));
  REQUIRE(p.run.ok());
  CHECK(p.console.empty());
  REQUIRE(p.fl.count("ready"));
  CHECK(p.num("errors") == 0);
  CHECK(p.num("total") == ops);
  CHECK(p.num("drawn") == ops);
  // Not blank: a real page has ink and many colours.
  CHECK(p.shot.width > 0);
  CHECK(p.shot.inked > 0.05);
  CHECK(p.shot.colours > 16);
}

void check_corpus_report(const CorpusCase& c) {
  const std::string file = std::string(FL_CORPUS_DIR) + "/" + c.path;
  History h = read_history(file, Format::Auto);
  std::optional<Json> init;
  if (c.init != "-") init = Json::parse(c.init);
  Json results = check_history(h, {"linearizable"}, c.model, init);
  REQUIRE(results["valid"] == false);
  std::string name = c.path;
  for (char& ch : name)
    if (ch == '/') ch = '-';
  const std::string html = write_test_report(name, h, results, {{"model", c.model}, {"history", c.path}});
  Page p = open_page(html, artifact(name + ".png"));
  INFO(c.path);
  check_page(p, static_cast<long>(h.pairs().size()));
  // Every op an anomaly names is marked in the big timeline and drawn on the anomaly's own.
  CHECK(p.num("expected") > 0);
  CHECK(p.num("highlighted") == p.num("expected"));
  CHECK(p.num("mini") >= p.num("expected"));
}

// An invalid Elle corpus history (elle/expected.tsv), checked by main's
// transaction checker for its workload: every op its anomalies name is marked.
void check_elle_report(const std::string& path, const std::string& checker) {
  History h = read_history(std::string(FL_CORPUS_DIR) + "/" + path, Format::Auto);
  Json results = check_history(h, {checker}, "", std::nullopt);
  REQUIRE(results["valid"] == false);
  std::string name = path;
  for (char& ch : name)
    if (ch == '/') ch = '-';
  const std::string html = write_test_report(name, h, results, {{"checkers", {checker}}, {"history", path}});
  Page p = open_page(html, artifact(name + ".png"));
  INFO(path);
  check_page(p, static_cast<long>(h.pairs().size()));
  CHECK(p.num("expected") > 0);
  CHECK(p.num("highlighted") == p.num("expected"));
}

std::vector<std::pair<std::string, std::string>> invalid_elle_corpus() {
  std::ifstream in(std::string(FL_CORPUS_DIR) + "/elle/expected.tsv");
  std::vector<std::pair<std::string, std::string>> out;
  std::string line;
  std::getline(in, line);  // header: path format workload options valid …
  while (std::getline(in, line)) {
    std::stringstream s(line);
    std::string path, format, workload, options, valid;
    std::getline(s, path, '\t');
    std::getline(s, format, '\t');
    std::getline(s, workload, '\t');
    std::getline(s, options, '\t');
    std::getline(s, valid, '\t');
    // The plain cases: the workload's checker with its default options.
    if (valid != "false" || options != "--model " + workload) continue;
    if (workload == "list-append") out.emplace_back(path, "txn-list-append");
    if (workload == "rw-register") out.emplace_back(path, "txn-rw-register");
  }
  return out;
}

}  // namespace

TEST_CASE("the report of a valid etcd-like history loads in chromium, draws every op and shades the faults",
          "[report][browser]") {
  FL_REQUIRE_CHROMIUM();
  SyntheticOptions o;
  o.ops = 3000;
  o.processes = 5;
  o.fault_every_s = 0.08;
  History h = synthetic_history(o);
  Json results = check_history(h, {"linearizable", "stats"}, "cas-register", Json(0));
  REQUIRE(results["valid"] == true);
  const std::string html = write_test_report("etcd-like-valid", h, results,
                                             {{"system", "etcd"}, {"workload", "register"}, {"nemesis", {"partition"}}});
  Page p = open_page(html, artifact("etcd-like-valid.png"));
  check_page(p, 3000);
  CHECK(p.num("faults") >= 3);
  CHECK(p.num("expected") == 0);
  CHECK(p.dom.find("None: every checker found the history valid.") != std::string::npos);
}

TEST_CASE("the reports of the invalid Knossos corpus histories mark every op of every anomaly", "[report][browser]") {
  FL_REQUIRE_CHROMIUM();
  auto cases = invalid_corpus("knossos/");
  REQUIRE(cases.size() >= 8);
  for (const CorpusCase& c : cases) check_corpus_report(c);
}

TEST_CASE("the reports of invalid Porcupine corpus histories (kv, and a sample of etcd) mark every op of every anomaly",
          "[report][browser]") {
  FL_REQUIRE_CHROMIUM();
  auto cases = invalid_corpus("porcupine/kv/");
  REQUIRE(cases.size() == 3);
  auto etcd = invalid_corpus("porcupine/etcd/");
  REQUIRE(etcd.size() > 3);
  cases.insert(cases.end(), etcd.begin(), etcd.begin() + 3);
  for (const CorpusCase& c : cases) check_corpus_report(c);
}

TEST_CASE("the reports of every invalid Porcupine etcd history mark every op of every anomaly",
          "[report][browser][soak]") {
  FL_REQUIRE_CHROMIUM();
  for (const CorpusCase& c : invalid_corpus("porcupine/etcd/")) check_corpus_report(c);
}

TEST_CASE("a click on an anomaly's op (report.html#op=N) finds it in the big timeline", "[report][browser]") {
  FL_REQUIRE_CHROMIUM();
  const std::string file = std::string(FL_CORPUS_DIR) + "/knossos/cas-register/bad/cas-failure.edn";
  History h = read_history(file, Format::Auto);
  Json results = check_history(h, {"linearizable"}, "cas-register", Json(0));
  const std::int64_t failed = results["checkers"]["linearizable"]["anomalies"][0]["failed_op"].get<std::int64_t>();
  const std::string html = write_test_report("jump", h, results);
  Page whole = open_page(html, artifact("jump-whole.png"), 1400, 1200);
  Page p = open_page(html + "#op=" + std::to_string(failed), artifact("jump-to-op.png"), 1400, 1200);
  INFO(console_text(p));
  CHECK(p.console.empty());
  // The selected op is named by its invocation's and completion's indexes.
  CHECK((" " + p.fl["selected"] + " ").find(" " + std::to_string(failed) + " ") != std::string::npos);
  // The view narrowed around the op: fewer ops in view than the whole history.
  CHECK(p.num("drawn") < whole.num("drawn"));
  CHECK(p.num("drawn") > 0);
}

TEST_CASE("the report of a million-op history opens in chromium and its timeline draws every op",
          "[report][browser][big]") {
  FL_REQUIRE_CHROMIUM();
  SyntheticOptions o;
  o.ops = 1000000;
  o.processes = 20;
  o.fault_every_s = 5;
  o.stale_read = true;
  History h = synthetic_history(o);
  Json results = check_history(h, {"linearizable", "stats"}, "cas-register", Json(0));
  REQUIRE(results["valid"] == false);
  const std::string html = write_test_report("million", h, results, {{"ops", 1000000}});
  Page p = open_page(html, artifact("million.png"));
  check_page(p, 1000000);
  CHECK(p.num("expected") > 0);
  CHECK(p.num("highlighted") == p.num("expected"));
  WARN("1M-op report: " << std::filesystem::file_size(html) / 1e6 << " MB, browser run " << p.seconds
                        << " s, page ready after " << p.num("load-ms") << " ms (" << p.fl["timing"] << ")");
}

TEST_CASE("an XSS probe in a history and its results renders as text and runs nothing, even without the CSP",
          "[report][browser]") {
  FL_REQUIRE_CHROMIUM();
  History h = xss_history();
  Json results = check_history(h, {"linearizable", "stats"}, "cas-register", std::nullopt);
  REQUIRE(results["checkers"]["linearizable"]["valid"] == false);
  results["checkers"][xss_payloads()[1]] = xss_results_entry();
  Json settings = {{"system", xss_payloads()[0]}, {xss_payloads()[3], xss_payloads()[2]}};
  const std::string html = write_test_report("xss-probe", h, results, settings);
  // The same page with its Content Security Policy cut out: escaping alone must hold.
  std::string text;
  {
    std::ifstream in(html);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const std::size_t csp = text.find("<meta http-equiv=\"Content-Security-Policy\"");
  REQUIRE(csp != std::string::npos);
  const std::string bare_html = html.substr(0, html.size() - 5) + "-no-csp.html";
  std::ofstream(bare_html) << text.substr(0, csp) + text.substr(text.find('>', csp) + 1);

  for (const std::string& page : {html, bare_html}) {
    INFO(page);
    Page p = open_page(page, artifact(page == html ? "xss-probe.png" : "xss-probe-no-csp.png"));
    INFO(console_text(p));
    REQUIRE(p.run.ok());
    CHECK(p.console.empty());       // a blocked script or a failed load would log
    CHECK(p.fl.count("ready"));      // the page's own script ran to the end
    const std::string html_tag = p.dom.substr(0, p.dom.find('>', p.dom.find("<html")));
    CHECK(html_tag.find("data-pwned") == std::string::npos);
    // Only the page's own elements: its two scripts, no image, no svg but the anomaly's drawing.
    std::size_t scripts = 0, imgs = 0;
    for (std::size_t at = 0; (at = p.dom.find("<script", at)) != std::string::npos; ++at) ++scripts;
    for (std::size_t at = 0; (at = p.dom.find("<img", at)) != std::string::npos; ++at) ++imgs;
    CHECK(scripts == 2);
    CHECK(imgs == 0);
    CHECK(p.dom.find("<textarea") == std::string::npos);
    CHECK(p.dom.find("<a href=\"javascript:") == std::string::npos);
    // The payloads are there, as text.
    CHECK(p.dom.find("&lt;script&gt;document.documentElement.setAttribute('data-pwned','script')&lt;/script&gt;") !=
          std::string::npos);
    CHECK(p.dom.find("&lt;/textarea&gt;&lt;svg onload=") != std::string::npos);
  }
}

TEST_CASE("the reports of invalid Elle corpus histories (G0, G1a, G1c, G2-item) mark every op of every anomaly",
          "[report][browser]") {
  FL_REQUIRE_CHROMIUM();
  const auto all = invalid_elle_corpus();
  REQUIRE(all.size() >= 10);
  int n = 0;
  for (const auto& [path, checker] : all)
    for (const char* sample : {"g0-cycle", "g1a-aborted", "g1c-circular", "rw-register-anomaly-g2-item"})
      if (path.find(sample) != std::string::npos) {
        check_elle_report(path, checker);
        ++n;
      }
  CHECK(n == 4);
}

TEST_CASE("the reports of every invalid Elle corpus history mark every op of every anomaly", "[report][browser][soak]") {
  FL_REQUIRE_CHROMIUM();
  for (const auto& [path, checker] : invalid_elle_corpus()) check_elle_report(path, checker);
}

TEST_CASE("the report of a real faultline run (the memory system's stale-read bug) loads in chromium and marks its anomaly",
          "[report][browser]") {
  FL_REQUIRE_CHROMIUM();
  namespace fs = std::filesystem;
  const fs::path store = fs::path(FL_ARTIFACT_DIR) / "real-run-store";
  fs::remove_all(store);
  RunOptions o;
  o.timeout = std::chrono::seconds(120);
  RunResult run = run_process({FL_BINARY, "test", "--system", "memory", "--workload", "register", "--bug", "stale-read",
                               "--time-limit", "4", "--rate", "100", "--concurrency", "5", "--seed", "7",
                               "--no-progress", "--store", store.string()},
                              o);
  INFO("faultline test: exit " << run.exit_code << "\n" << run.out << run.err);
  REQUIRE(run.exit_code == 1);  // the stale reads make it invalid
  const fs::path dir = fs::canonical(store / "latest");
  const History h = read_history((dir / "history.jsonl").string(), Format::Auto);
  const std::string png = artifact("real-run.png");
  Page p = open_page((dir / "report.html").string(), png, 1400, 2900);
  check_page(p, static_cast<long>(h.pairs().size()));
  CHECK(p.num("expected") > 0);
  CHECK(p.num("highlighted") == p.num("expected"));
  const char* update = std::getenv("FL_UPDATE_DOCS_IMAGE");
  if (update && std::string(update) == "1") {
    const fs::path image = fs::path(FL_SOURCE_DIR) / "docs" / "images" / "report.png";
    fs::create_directories(image.parent_path());
    fs::copy_file(png, image, fs::copy_options::overwrite_existing);
    WARN("wrote " << image.string());
  }
}
