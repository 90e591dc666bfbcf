// The report from the command line, through the real binary: a run writes
// report.html and its plot images into its folder and ends its output with
// the report's path; `faultline report RUN_DIR` rebuilds them from the
// stored files alone; `faultline check --out` writes them too.
#include <algorithm>
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "cluster/process.h"
#include "temp_store.h"

using namespace fl;
namespace fs = std::filesystem;

namespace {

std::string last_line(const std::string& out) {
  std::string s = out;
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s.substr(s.rfind('\n') + 1);
}

std::string report_cli_slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

}  // namespace

TEST_CASE("a run writes report.html and its plots into its folder and ends with the report's path", "[no-cluster]") {
  test::TempStore store;
  RunResult r = run_process({FL_BINARY, "test", "--system", "memory", "--workload", "register", "--ops-limit", "3000",
                             "--time-limit", "10", "--bug", "stale-read", "--no-progress", "--store", store.path});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  const std::string dir = fs::canonical(store.path + "/latest").string();
  CHECK(last_line(r.out) == "report: " + dir + "/report.html");
  for (const char* f : {"report.html", "latency.png", "rate.png"}) CHECK(fs::is_regular_file(dir + "/" + f));
  const std::string html = report_cli_slurp(dir + "/report.html");
  CHECK(html.find("<canvas id=\"tl\"") != std::string::npos);
  CHECK(html.find("not-linearizable") != std::string::npos);
  // The report lists every file of the run, and its settings.
  for (const char* f : {"history.jsonl", "results.json", "test.json", "faultline.log", "latency.png"})
    CHECK(html.find(std::string(">") + f + "<") != std::string::npos);
  CHECK(html.find("stale-read") != std::string::npos);
}

TEST_CASE("faultline report rebuilds a run's report from its history, results and settings alone", "[no-cluster]") {
  test::TempStore store;
  RunResult r = run_process({FL_BINARY, "test", "--system", "memory", "--workload", "register", "--ops-limit", "2000",
                             "--time-limit", "10", "--no-progress", "--store", store.path});
  REQUIRE(r.exit_code == 0);
  const std::string dir = fs::canonical(store.path + "/latest").string();
  const std::string before = report_cli_slurp(dir + "/report.html");
  for (const char* f : {"report.html", "latency.png", "rate.png"}) fs::remove(dir + "/" + f);
  RunResult again = run_process({FL_BINARY, "report", dir});
  INFO(again.out << again.err);
  CHECK(again.exit_code == 0);  // the stored verdict's code
  CHECK(last_line(again.out) == "report: " + dir + "/report.html");
  CHECK(report_cli_slurp(dir + "/report.html") == before);  // a pure function of the stored files
  CHECK(fs::is_regular_file(dir + "/latency.png"));

  // Without results.json (a second Ctrl-C), the report still comes, verdict unknown.
  fs::remove(dir + "/results.json");
  RunResult unchecked = run_process({FL_BINARY, "report", dir});
  CHECK(unchecked.exit_code == 2);
  CHECK(report_cli_slurp(dir + "/report.html").find("never checked") != std::string::npos);

  // Not a run's folder: a usage error in one sentence.
  RunResult wrong = run_process({FL_BINARY, "report", store.path + "/nope"});
  CHECK(wrong.exit_code == 64);
  CHECK(std::count(wrong.err.begin(), wrong.err.end(), '\n') == 1);
}

TEST_CASE("faultline report refuses a results.json or test.json of the wrong shape with one sentence, exit 65", "[no-cluster]") {
  // They ended in "internal error: [json.exception.type_error.306] …", exit 70.
  test::TempStore store;
  const std::string dir = store.path + "/run";
  fs::create_directories(dir);
  std::ofstream(dir + "/history.jsonl") << R"({"process":0,"type":"invoke","f":"read","value":null})" "\n"
                                           R"({"process":0,"type":"ok","f":"read","value":1})" "\n";
  struct Case {
    const char* file;
    const char* text;
    int exit_code;
  };
  for (const Case& c : {Case{"results.json", "[1, 2]", 65}, Case{"results.json", "5", 65},
                        Case{"test.json", "[1, 2]", 65}, Case{"test.json", "\"x\"", 65},
                        // Odd fields inside are drawn as well as they can be.
                        Case{"results.json", R"({"valid": true, "checkers": 5})", 0},
                        Case{"results.json", R"({"valid": true, "checkers": {"stats": 5}})", 0},
                        Case{"test.json", R"({"test_name": 5})", 2}}) {
    fs::remove(dir + "/results.json");
    fs::remove(dir + "/test.json");
    std::ofstream(dir + "/" + c.file) << c.text;
    RunResult r = run_process({FL_BINARY, "report", dir});
    INFO(c.file << ": " << c.text << "\n" << r.out << r.err);
    CHECK(r.exit_code == c.exit_code);
    CHECK(r.err.find("internal") == std::string::npos);
    if (c.exit_code == 65) {
      CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
      CHECK(r.err.find(c.file) != std::string::npos);
    }
  }
}

TEST_CASE("check --out writes report.html beside results.json and ends with its path", "[no-cluster]") {
  test::TempStore out;
  const std::string history = std::string(FL_CORPUS_DIR) + "/knossos/cas-register/bad/cas-failure.edn";
  RunResult r = run_process({FL_BINARY, "check", "--model", "cas-register", "--init", "0", history, "--out", out.path});
  CHECK(r.exit_code == 1);
  CHECK(last_line(r.out) == "report: " + out.path + "/report.html");
  CHECK(fs::is_regular_file(out.path + "/results.json"));
  const std::string html = report_cli_slurp(out.path + "/report.html");
  CHECK(html.find("cas-failure.edn") != std::string::npos);
  CHECK(html.find("data-op=\"488\"") != std::string::npos);  // the op that cannot be linearized, clickable
  // With --json, stdout stays pure JSON and the path goes to stderr.
  RunResult j = run_process({FL_BINARY, "check", "--model", "cas-register", "--init", "0", history, "--out", out.path, "--json"});
  CHECK(j.out.find("report:") == std::string::npos);
  CHECK(j.err.find("report: " + out.path + "/report.html") != std::string::npos);
}

TEST_CASE("check --out draws both plots of a history whose ops all happen at one instant", "[no-cluster]") {
  // The throughput plot's only bucket lay past the x range [0, 0]: gnuplot
  // refused it ("all points y value undefined!") and the warning showed its
  // first, empty line of output: "gnuplot could not draw rate.png ()".
  test::TempStore out;
  fs::create_directories(out.path);
  const std::string history = out.path + "/instant.jsonl";
  std::ofstream(history) << R"({"process":0,"type":"invoke","f":"read","value":null,"time":5})" "\n"
                            R"({"process":0,"type":"ok","f":"read","value":1,"time":5})" "\n";
  RunResult r = run_process({FL_BINARY, "check", history, "--out", out.path + "/o"});
  INFO(r.out << r.err);
  CHECK(r.err.find("could not draw") == std::string::npos);
  for (const char* f : {"latency.png", "rate.png"}) CHECK(fs::is_regular_file(out.path + "/o/" + f));
}
