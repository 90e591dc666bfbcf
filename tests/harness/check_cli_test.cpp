// `faultline check` through the real binary: exit codes of DESIGN.md and the
// results.json it writes.
#include <algorithm>
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cluster/process.h"
#include "temp_store.h"

using namespace fl;

namespace {

RunResult check(Argv args) {
  args.insert(args.begin(), {FL_BINARY, "check"});
  return run_process(args);
}

const std::string kCorpus = FL_CORPUS_DIR;

}  // namespace

TEST_CASE("check exits 0 for a linearizable corpus history and 1 for a broken one") {
  CHECK(check({"--model", "cas-register", "--init", "0", kCorpus + "/knossos/cas-register/good/memstress3-0.edn"})
            .exit_code == 0);
  RunResult bad = check({"--model", "cas-register", "--init", "0", kCorpus + "/knossos/cas-register/bad/cas-failure.edn"});
  CHECK(bad.exit_code == 1);
  CHECK(bad.out.find("not linearizable as a cas-register") != std::string::npos);
}

TEST_CASE("an unknown model, checker or format is a usage error with one sentence") {
  const std::string file = kCorpus + "/knossos/cas-register/bad/cas-failure.edn";
  for (const Argv& args : {Argv{"--model", "nope", file}, Argv{"--checker", "nope", file},
                           Argv{"--format", "xml", file}, Argv{"--init", "[1", file},
                           Argv{"--model", "mutex", "--init", "{\"a\":1}", file}}) {
    RunResult r = check(args);
    CHECK(r.exit_code == 64);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(r.err.find("internal") == std::string::npos);
  }
}

TEST_CASE("check --out writes results.json in DESIGN.md's shape, and --json prints the same") {
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

TEST_CASE("several histories give the worst verdict and a result per file") {
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

TEST_CASE("an error faultline did not foresee exits 70 with one sentence, never a stack trace") {
  // Results that cannot be written (a folder inside a file of /proc) are no
  // mistake of the history nor of the command line: an internal error.
  RunResult r = check({"--model", "cas-register", "--init", "0", "--out", "/proc/version/results",
                       kCorpus + "/knossos/cas-register/good/memstress3-0.edn"});
  CHECK(r.exit_code == 70);
  CHECK(r.err.rfind("faultline: internal error: ", 0) == 0);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}
