// `faultline serve`: the store's runs newest first with a link to each
// report; nothing outside the store, whatever the path; Ctrl-C stops it.
#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include <httplib.h>

#include <catch2/catch.hpp>

#include "cluster/process.h"
#include "harness/report_files.h"
#include "harness/store.h"
#include "harness/store_server.h"
#include "history/format.h"
#include "history/jsonl.h"
#include "temp_store.h"
#include "tests/report/synthetic_history.h"

using namespace fl;
namespace fs = std::filesystem;

namespace {

// A run in the store with a small history, results and a report.
std::string stored_run(const std::string& root, const std::string& test, std::time_t when, bool valid) {
  RunStore run = RunStore::create(root, test, when);
  std::ofstream(run.history_path()) << "{\"index\":0,\"time\":10,\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"value\":1}\n"
                                       "{\"index\":1,\"time\":20,\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"value\":1}\n"
                                       "{\"index\":2,\"time\":30,\"process\":1,\"type\":\"invoke\",\"f\":\"read\",\"value\":null}\n"
                                       "{\"index\":3,\"time\":40,\"process\":1,\"type\":\"ok\",\"f\":\"read\",\"value\":1}\n";
  Json results = {{"valid", valid}, {"checkers", Json::object()}};
  std::ofstream(run.dir() + "/results.json") << results.dump();
  History h = read_history(run.history_path(), Format::Jsonl);
  ReportRequest req;
  req.dir = run.dir();
  req.history = &h;
  req.results = results;
  req.title = test;
  req.plots = false;
  write_report(req);
  return run.dir();
}

struct Serving {
  StoreServer server;
  int port;
  std::thread thread;
  explicit Serving(const std::string& root) : server(root), port(server.bind("127.0.0.1", 0)) {
    thread = std::thread([this] { server.listen(); });
  }
  ~Serving() {
    server.stop();
    thread.join();
  }
};

}  // namespace

TEST_CASE("serve lists the store's runs newest first and serves each report", "[no-cluster]") {
  test::TempStore store;
  stored_run(store.path, "older-test", 1700000000, true);
  stored_run(store.path, "newer-test", 1800000000, false);
  Serving s(store.path);
  httplib::Client c("127.0.0.1", s.port);
  auto index = c.Get("/");
  REQUIRE(index);
  CHECK(index->status == 200);
  const std::string& page = index->body;
  REQUIRE(page.find("newer-test") != std::string::npos);
  CHECK(page.find("newer-test") < page.find("older-test"));
  CHECK(page.find("2027-01-15 08:00:00 UTC") != std::string::npos);  // 1800000000, newest
  CHECK(page.find(">invalid<") != std::string::npos);
  CHECK(page.find(">valid<") != std::string::npos);
  CHECK(page.find("<td>2</td>") != std::string::npos);  // two ops
  // Every report link works.
  std::size_t links = 0;
  for (std::size_t at = 0; (at = page.find("href=\"/runs/", at)) != std::string::npos; ++at) {
    const std::size_t from = at + 6, to = page.find('"', from);
    const std::string href = page.substr(from, to - from);
    if (href.find("report.html") == std::string::npos) continue;
    auto report = c.Get(href.c_str());
    REQUIRE(report);
    CHECK(report->status == 200);
    CHECK(report->get_header_value("Content-Type") == "text/html; charset=utf-8");
    CHECK(report->body.find("<canvas id=\"tl\"") != std::string::npos);
    ++links;
  }
  CHECK(links == 2);
  // A history is served as text that never runs.
  auto history = c.Get("/runs/newer-test/20270115T080000/history.jsonl");
  REQUIRE(history);
  CHECK(history->status == 200);
  CHECK(history->get_header_value("X-Content-Type-Options") == "nosniff");
  CHECK(history->get_header_value("Content-Security-Policy") == "default-src 'none'");
}

TEST_CASE("serve refuses ../ paths and any file outside the store", "[no-cluster]") {
  test::TempStore outside;
  fs::create_directories(outside.path + "/store");
  const std::string root = outside.path + "/store";
  stored_run(root, "t", 1700000000, true);
  std::ofstream(outside.path + "/secret.txt") << "SECRET-OUTSIDE-THE-STORE\n";
  fs::create_symlink(outside.path + "/secret.txt", root + "/t/link-to-secret");
  fs::create_directory_symlink(outside.path, root + "/t/link-to-parent");
  Serving s(root);
  httplib::Client c("127.0.0.1", s.port);
  for (const char* path : {"/runs/../secret.txt", "/runs/t/../../secret.txt", "/runs/%2e%2e/secret.txt",
                           "/runs/t/%2E%2E/%2E%2E/secret.txt", "/runs/t/link-to-secret", "/runs/t/link-to-parent/secret.txt",
                           "/runs//etc/passwd", "/runs/./t", "/../secret.txt", "/runs/" "t/..%2f..%2fsecret.txt",
                           "/runs/%2fetc%2fpasswd"}) {
    INFO(path);
    auto r = c.Get(path);
    REQUIRE(r);
    CHECK((r->status == 403 || r->status == 404));
    CHECK(r->body.find("SECRET") == std::string::npos);
    CHECK(r->body.find("root:") == std::string::npos);
  }
  // A run's folder itself leads to its report.
  auto folder = c.Get("/runs/t/20231114T221320/");
  REQUIRE(folder);
  CHECK(folder->status == 302);
}

TEST_CASE("faultline serve binds 127.0.0.1 and stops cleanly on Ctrl-C", "[no-cluster]") {
  test::TempStore store;
  stored_run(store.path, "t", 1700000000, true);
  const std::string log = store.path + "/../serve-" + std::to_string(getpid()) + ".log";
  const int pid = spawn_daemon({FL_BINARY, "serve", "--store", store.path, "--port", "0"}, log);
  std::string text;
  for (int i = 0; i < 100 && text.find("serving") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::ifstream in(log);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  INFO(text);
  const std::size_t at = text.find("http://127.0.0.1:");
  REQUIRE(at != std::string::npos);
  const int port = std::stoi(text.substr(at + 17));
  httplib::Client c("127.0.0.1", port);
  auto index = c.Get("/");
  REQUIRE(index);
  CHECK(index->status == 200);
  signal_process(pid, SIGINT);
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    gone = !process_alive(pid);
  }
  CHECK(gone);
  std::ifstream in(log);
  text.assign(std::istreambuf_iterator<char>(in), {});
  CHECK(text.find("stopped") != std::string::npos);
  fs::remove(log);
  if (!gone) stop_process(pid, std::chrono::milliseconds(100));
}

TEST_CASE("serve answers a summarized report with the ops of a time range of its run's history", "[no-cluster]") {
  test::TempStore store;
  RunStore run = RunStore::create(store.path, "long-run", 1800000000);
  test::SyntheticOptions o;
  o.ops = 20000;
  o.processes = 10;
  o.fault_every_s = 0.5;
  History h = test::synthetic_history(o);
  {
    std::ofstream out(run.history_path());
    write_jsonl(out, h);
  }
  // Past the threshold, the report is streamed from the file and summarized.
  ::setenv("FAULTLINE_REPORT_FULL_OPS", "2000", 1);
  ReportRequest req;
  req.dir = run.dir();
  req.history_path = run.history_path();
  req.results = {{"valid", true}, {"checkers", Json::object()}};
  req.title = "long-run";
  req.plots = false;
  ReportWritten w;
  REQUIRE_NOTHROW(w = write_report(req));
  ::unsetenv("FAULTLINE_REPORT_FULL_OPS");
  {
    std::ifstream in(w.html_path);
    const std::string page((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(page.find("Summarized timeline.") != std::string::npos);
    CHECK(page.find("connect-src 'self'") != std::string::npos);
  }
  // The ops invoked in a range, as the page counts time (since the first event).
  const std::int64_t origin = h.ops().front().time, span = h.ops().back().time - origin;
  const double from = static_cast<double>(span) * 0.30, to = static_cast<double>(span) * 0.33;
  std::size_t expected = 0;
  for (const OpPair& p : h.pairs()) {
    const double t = static_cast<double>(h[static_cast<std::size_t>(p.invoke)].time - origin);
    expected += t >= from && t <= to;
  }
  REQUIRE(expected > 100);
  Serving s(store.path);
  httplib::Client c("127.0.0.1", s.port);
  const std::string base = "/runs/long-run/" + fs::path(run.dir()).filename().string() + "/ops";
  auto got = c.Get((base + "?from=" + std::to_string(from) + "&to=" + std::to_string(to)).c_str());
  REQUIRE(got);
  CHECK(got->status == 200);
  CHECK(got->get_header_value("Content-Type") == "application/json");
  const Json rows = Json::parse(got->body);
  CHECK(rows["n"] == expected);
  CHECK(rows["cols"].contains("lane"));
  auto bad = c.Get((base + "?from=soon&to=1").c_str());
  REQUIRE(bad);
  CHECK(bad->status == 400);
  auto nowhere = c.Get("/runs/long-run/nothing/ops?from=0&to=1");
  REQUIRE(nowhere);
  CHECK(nowhere->status == 404);
  auto outside = c.Get("/runs/../../etc/ops?from=0&to=1");
  REQUIRE(outside);
  CHECK(outside->status != 200);
}
