// A history longer than the report keeps op by op (here past a threshold
// lowered through FAULTLINE_REPORT_FULL_OPS): `faultline report` writes a
// summarized page that is small, draws the whole timeline from its bins,
// keeps every op around the anomaly and the faults, and says so; served by
// `faultline serve`, the page fetches the ops of its view from the history.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "cluster/process.h"
#include "history/jsonl.h"
#include "tests/report/browser.h"
#include "tests/report/report_support.h"
#include "tests/report/synthetic_history.h"

using namespace fl;
using namespace fl::test;
namespace fs = std::filesystem;

namespace {

constexpr long kOps = 50000;

// A stored run of kOps etcd-like ops with one stale read, its report
// written by `faultline report` with the threshold at 5,000 ops.
fs::path summarized_run(const fs::path& store) {
  fs::remove_all(store);
  const fs::path dir = store / "etcd-like" / "20261207T000000";
  fs::create_directories(dir);
  SyntheticOptions o;
  o.ops = kOps;
  o.processes = 10;
  o.fault_every_s = 0.5;
  o.stale_read = true;
  History h = synthetic_history(o);
  {
    std::ofstream out(dir / "history.jsonl");
    write_jsonl(out, h);
  }
  Json results = check_history(h, {"linearizable"}, "cas-register", Json(0));
  REQUIRE(results["valid"] == false);
  std::ofstream(dir / "results.json") << results.dump();
  std::ofstream(dir / "test.json") << Json{{"test_name", "etcd-like"}, {"ops", kOps}}.dump();
  RunOptions ro;
  ro.timeout = std::chrono::seconds(60);
  ro.env = {{"FAULTLINE_REPORT_FULL_OPS", "5000"}};
  RunResult r = run_process({FL_BINARY, "report", dir.string()}, ro);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 1);  // invalid
  CHECK(r.err.find("summarized") != std::string::npos);
  return dir;
}

}  // namespace

TEST_CASE("a summarized report is small, draws every op's share, keeps the anomaly's window and says what is summarized",
          "[report][browser]") {
  FL_REQUIRE_CHROMIUM();
  const fs::path dir = summarized_run(fs::path(FL_ARTIFACT_DIR) / "summarized-store");
  const fs::path html = dir / "report.html";
  // The whole report is 53 bytes an op; this one holds a few thousand ops and the bins.
  const auto bytes = fs::file_size(html);
  CHECK(bytes < static_cast<std::uintmax_t>(kOps) * 12);
  Page p = open_page(html.string(), artifact("summarized.png"));
  INFO("console:\n" << console_text(p));
  REQUIRE(p.run.ok());
  CHECK(p.console.empty());
  REQUIRE(p.fl.count("ready"));
  CHECK(p.num("errors") == 0);
  CHECK(p.num("total") == kOps);
  CHECK(p.num("drawn") == kOps);          // the whole view: rows and bins together, each op once
  CHECK(p.num("rows") < kOps / 5);        // few ops one by one …
  CHECK(p.num("rows") > 100);
  CHECK(p.num("summarized") == kOps - p.num("rows"));  // … the rest in the bins
  CHECK(p.num("windows") >= 2);
  // The anomaly's ops are kept, marked in the timeline and drawn on its own.
  CHECK(p.num("expected") > 0);
  CHECK(p.num("highlighted") == p.num("expected"));
  CHECK(p.num("mini") >= p.num("expected"));
  CHECK(p.dom.find("Summarized timeline.") != std::string::npos);
  CHECK(p.dom.find("faultline serve") != std::string::npos);
  CHECK(p.shot.inked > 0.05);
  CHECK(p.shot.colours > 16);
}

// Slow (chromium's virtual time, which lets the page's request finish before
// the DOM is dumped, takes about ten seconds over http): soak only. The
// server's side is tested quickly in tests/harness/serve_test.cpp.
TEST_CASE("served by faultline serve, a summarized report fetches the ops of its view from the history",
          "[report][browser][soak]") {
  FL_REQUIRE_CHROMIUM();
  const fs::path store = fs::path(FL_ARTIFACT_DIR) / "summarized-served-store";
  const fs::path dir = summarized_run(store);
  const fs::path log = fs::path(FL_ARTIFACT_DIR) / "summarized-serve.log";
  fs::remove(log);
  const int pid = spawn_daemon({FL_BINARY, "serve", "--store", store.string(), "--port", "0"}, log.string());
  std::string port;
  for (int i = 0; i < 100 && port.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::ifstream in(log);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::size_t at = text.find("http://127.0.0.1:");
    if (at != std::string::npos) port = text.substr(at + 17, text.find('/', at + 17) - at - 17);
  }
  REQUIRE(!port.empty());
  const std::string url = "http://127.0.0.1:" + port + "/runs/etcd-like/20261207T000000/report.html";
  // The whole history is under the page's limit for one request: it asks for all of it.
  Page p = load_page(url, "", 1400, 2400, 3000);
  stop_process(pid, std::chrono::seconds(5));
  INFO("console:\n" << console_text(p));
  REQUIRE(p.run.ok());
  CHECK(p.num("errors") == 0);
  CHECK(p.num("fetched") >= 1);
  CHECK(p.num("rows") == kOps);
}
