// `faultline check` through the real binary: exit codes of DESIGN.md and the
// results.json it writes.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cluster/process.h"
#include "history/format.h"
#include "tests/checkers/set_sim.h"
#include "temp_store.h"

using namespace fl;

namespace {

RunResult check(Argv args) {
  args.insert(args.begin(), {FL_BINARY, "check"});
  return run_process(args);
}

const std::string kCorpus = FL_CORPUS_DIR;

}  // namespace

TEST_CASE("check exits 0 for a linearizable corpus history and 1 for a broken one", "[no-cluster]") {
  CHECK(check({"--model", "cas-register", "--init", "0", kCorpus + "/knossos/cas-register/good/memstress3-0.edn"})
            .exit_code == 0);
  RunResult bad = check({"--model", "cas-register", "--init", "0", kCorpus + "/knossos/cas-register/bad/cas-failure.edn"});
  CHECK(bad.exit_code == 1);
  CHECK(bad.out.find("not linearizable as a cas-register") != std::string::npos);
}

TEST_CASE("an unknown model, checker or format is a usage error with one sentence", "[no-cluster]") {
  const std::string file = kCorpus + "/knossos/cas-register/bad/cas-failure.edn";
  for (const Argv& args : {Argv{"--model", "nope", file}, Argv{"--checker", "nope", file},
                           Argv{"--format", "xml", file}, Argv{"--init", "[1", file},
                           Argv{"--model", "mutex", "--init", "{\"a\":1}", file},
                           Argv{"--time-limit", "nan", file}, Argv{"--time-limit", "inf", file}}) {
    RunResult r = check(args);
    CHECK(r.exit_code == 64);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(r.err.find("internal") == std::string::npos);
  }
}

TEST_CASE("check --out writes results.json in DESIGN.md's shape, and --json prints the same", "[no-cluster]") {
  test::TempStore dir;
  const std::string file = kCorpus + "/porcupine/etcd/etcd_000.log";
  RunResult r = check({"--model", "cas-register", "--init", "null", "--checker", "linearizable,stats",
                       "--out", dir.path, file});
  CHECK(r.exit_code == 1);
  std::ifstream in(dir.path + "/results.json");
  nlohmann::json results = nlohmann::json::parse(in);
  CHECK(results["valid"] == false);
  CHECK(results["checkers"]["linearizable"]["valid"] == false);
  CHECK(results["checkers"]["stats"]["valid"] == true);
  CHECK_FALSE(results["checkers"]["linearizable"]["anomalies"].empty());

  RunResult j = check({"--model", "cas-register", "--init", "null", "--checker", "linearizable,stats", "--json", file});
  CHECK(nlohmann::json::parse(j.out) == results);
}

TEST_CASE("a history of transactions checked alone (streamed) gets what a check that reads it whole (--out) gets", "[no-cluster]") {
  // --json streams the file into the txn checker; --out reads it into a
  // History for the report. Verdict, results.json and errors must agree.
  test::TempStore dir;
  std::filesystem::create_directories(dir.path);
  const std::string bad = dir.path + "/bad-mop.jsonl";
  std::ofstream(bad) << R"({"process":0,"type":"invoke","f":"txn","value":[["append","x",1]]})" "\n"
                     << R"({"process":0,"type":"ok","f":"txn","value":[["append","x"]]})" "\n";
  const std::vector<Argv> cases = {
      {kCorpus + "/elle/paper-example.edn"},
      {kCorpus + "/elle/list-append-anomaly-g1c-circular-information-flow.json"},
      {"--checker", "txn-rw-register", "--linearizable-keys", kCorpus + "/elle/rw-register-keys-linearizable-anomaly.json"},
      {"--consistency-models", "serializable", kCorpus + "/elle/rw-register-anomaly-g2-item.json"},
      {"--checker", "txn-list-append", bad},
  };
  int k = 0;
  for (Argv args : cases) {
    INFO(args.back());
    const std::string out = dir.path + "/out-" + std::to_string(k++);
    Argv whole = args, streamed = args;
    whole.insert(whole.end() - 1, {"--out", out});
    streamed.insert(streamed.end() - 1, "--json");
    RunResult w = check(whole), s = check(streamed);
    CHECK(s.exit_code == w.exit_code);
    if (w.exit_code == 65) {
      CHECK(s.err == w.err);
      CHECK(s.err.find("bad-mop.jsonl:2: micro-op") != std::string::npos);
      continue;
    }
    std::ifstream in(out + "/results.json");
    CHECK(nlohmann::json::parse(s.out) == nlohmann::json::parse(in));
  }
}

TEST_CASE("a kv history checked for linearizability alone (streamed) gets the verdict and anomalies of a check that reads it whole (--out)", "[no-cluster]") {
  test::TempStore dir;
  std::filesystem::create_directories(dir.path);
  const std::string bad = dir.path + "/bad-op.jsonl";
  std::ofstream(bad) << R"({"process":0,"type":"invoke","f":"get","value":null,"key":"a"})" "\n"
                     << R"({"process":0,"type":"ok","f":"get","value":null,"key":"a"})" "\n"
                     << R"({"process":0,"type":"invoke","f":"frob","value":1,"key":"a"})" "\n"
                     << R"({"process":0,"type":"ok","f":"frob","value":1,"key":"a"})" "\n";
  int k = 0;
  for (const std::string& file : {kCorpus + "/porcupine/kv/c10-bad.txt", kCorpus + "/porcupine/kv/c50-ok.txt", bad}) {
    INFO(file);
    const std::string out = dir.path + "/out-" + std::to_string(k++);
    RunResult w = check({"--model", "kv", "--threads", "1", "--out", out, file});
    RunResult s = check({"--model", "kv", "--threads", "1", "--json", file});
    CHECK(s.exit_code == w.exit_code);
    if (w.exit_code == 65) {
      CHECK(s.err == w.err);
      CHECK(s.err.find("bad-op.jsonl:4:") != std::string::npos);
      continue;
    }
    std::ifstream in(out + "/results.json");
    const nlohmann::json whole = nlohmann::json::parse(in), streamed = nlohmann::json::parse(s.out);
    CHECK(streamed["valid"] == whole["valid"]);
    CHECK(streamed["checkers"]["linearizable"]["anomalies"] == whole["checkers"]["linearizable"]["anomalies"]);
    CHECK(streamed["checkers"]["linearizable"].contains("windows"));  // it was streamed
  }
}

TEST_CASE("a history judged by checkers that all judge online (streamed) gets word for word what a check that reads it whole (--out) gets", "[no-cluster]") {
  // Without --out the file is streamed into the checkers' online forms,
  // never held; --out reads it into a History for the report. Output,
  // results.json and errors (file:line) must be the same.
  test::TempStore dir;
  std::filesystem::create_directories(dir.path);
  auto write = [&](const std::string& name, const History& h) {
    const std::string path = dir.path + "/" + name;
    std::ofstream out(path);
    for (const Op& op : h.ops()) out << to_json(op).dump() << "\n";
    return path;
  };
  const std::string bad_read = dir.path + "/bad-read.jsonl", bad_line = dir.path + "/bad-line.jsonl";
  std::ofstream(bad_read) << R"({"process":0,"type":"invoke","f":"add","value":1})" "\n"
                          << R"({"process":0,"type":"ok","f":"add","value":1})" "\n"
                          << R"({"process":1,"type":"invoke","f":"read","value":null})" "\n"
                          << R"({"process":1,"type":"ok","f":"read","value":1})" "\n";
  // The set checker refuses line 1, but a check that reads the file whole meets line 3 first.
  std::ofstream(bad_line) << R"({"process":0,"type":"invoke","f":"frob","value":1})" "\n"
                          << R"({"process":0,"type":"ok","f":"frob","value":1})" "\n"
                          << R"({"process":1,"type":"invoke")" "\n";
  const std::vector<Argv> cases = {
      {"--checker", "set,stats", write("set.jsonl", sim::set_history(3))},
      {"--checker", "set,stats", write("set-lost.jsonl", sim::set_history(6))},
      {"--checker", "broadcast,set,stats", write("broadcast.jsonl", sim::broadcast_history(3))},
      {"--checker", "broadcast,stats", write("broadcast-2.jsonl", sim::broadcast_history(14))},
      {"--checker", "g-counter,stats", write("g-counter.jsonl", sim::counter_history(4, false))},
      {"--checker", "pn-counter", write("pn-counter.jsonl", sim::counter_history(5, true))},
      {"--checker", "unique-ids,stats", std::string(FL_TEST_DATA) + "/checkers/ids_duplicate.jsonl"},
      {"--checker", "stats", kCorpus + "/knossos/cas-register/good/memstress3-0.edn"},
      {"--checker", "set,stats", kCorpus + "/knossos/cas-register/good/memstress3-0.edn"},
      {"--checker", "stats,set", bad_read},
      {"--checker", "set", bad_line},
  };
  const std::regex took("checked in [0-9.]+ s"), report("\nreport: [^\n]*\n");
  int k = 0, refused = 0;
  for (Argv args : cases) {
    INFO(args[1] << " " << args.back());
    const std::string out = dir.path + "/out-" + std::to_string(k++);
    Argv whole = args, streamed = args, json = args;
    whole.insert(whole.end() - 1, {"--out", out});
    json.insert(json.end() - 1, "--json");
    RunResult w = check(whole), s = check(streamed), j = check(json);
    CHECK(s.exit_code == w.exit_code);
    CHECK(j.exit_code == w.exit_code);
    if (w.exit_code == 65) {
      ++refused;
      CHECK(s.err == w.err);
      CHECK(j.err == w.err);
      CHECK(s.err.find(args.back() + ":") != std::string::npos);
      continue;
    }
    std::ifstream in(out + "/results.json");
    CHECK(nlohmann::json::parse(j.out) == nlohmann::json::parse(in));
    CHECK(std::regex_replace(s.out, took, "") == std::regex_replace(std::regex_replace(w.out, took, ""), report, "\n"));
  }
  CHECK(refused == 3);
}

TEST_CASE("several histories give the worst verdict and a result per file", "[no-cluster]") {
  test::TempStore dir;
  RunResult r = check({"--model", "cas-register", "--init", "0", "--out", dir.path,
                       kCorpus + "/knossos/cas-register/good/memstress3-0.edn",
                       kCorpus + "/knossos/cas-register/bad/cas-failure.edn"});
  CHECK(r.exit_code == 1);
  std::ifstream in(dir.path + "/results.json");
  nlohmann::json results = nlohmann::json::parse(in);
  CHECK(results["valid"] == false);
  CHECK(results["files"].size() == 2);
}

TEST_CASE("an error faultline did not foresee exits 70 with one sentence, never a stack trace", "[no-cluster]") {
  // Results that cannot be written (a folder inside a file of /proc) are no
  // mistake of the history nor of the command line: an internal error.
  RunResult r = check({"--model", "cas-register", "--init", "0", "--out", "/proc/version/results",
                       kCorpus + "/knossos/cas-register/good/memstress3-0.edn"});
  CHECK(r.exit_code == 70);
  CHECK(r.err.rfind("faultline: internal error: ", 0) == 0);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

TEST_CASE("check with --init '{}' tells the transactional checkers every key started absent: a read of a value nobody wrote is then an anomaly", "[no-cluster]") {
  // Elle's own history reads x = 5, which no transaction writes: Elle takes
  // it for the initial state, and so do we unless told the history started
  // empty.
  const std::string file = kCorpus + "/elle/rw-register-keys-wfr-valid.json";
  CHECK(check({"--checker", "txn-rw-register", "--wfr-keys", file}).exit_code == 0);
  RunResult r = check({"--checker", "txn-rw-register", "--wfr-keys", "--init", "{}", file});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Catch::Contains("garbage-read"));
  RunResult bad = check({"--checker", "txn-rw-register", "--init", "{\"x\":5}", file});
  CHECK(bad.exit_code == 64);
  CHECK_THAT(bad.err, Catch::Contains("only the empty initial state"));
}
