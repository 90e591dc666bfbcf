// Every history of the conformance corpus (../shared/corpus/expected.tsv)
// through `faultline check` as a user runs it: the model and initial state
// the table names, the format left to auto-detection, and the exit code of
// the table's verdict (valid 0, invalid 1). What the checkers decide in
// process (tests/checkers/linear_corpus.cpp) must also reach the command line.
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include <catch2/catch.hpp>

#include "cluster/process.h"
#include "tests/corpus_entries.h"

using namespace fl;

namespace {

const std::string kCorpusDir = FL_CORPUS_DIR;

using CorpusRow = test::CorpusEntry;

std::vector<CorpusRow> corpus_table() { return test::corpus_entries(kCorpusDir); }

const std::map<std::string, int> kCorpusExitFor = {{"valid", 0}, {"invalid", 1}, {"unknown", 2}};

RunResult check_cli(Argv args) {
  args.insert(args.begin(), {FL_BINARY, "check"});
  return run_process(args);
}

}  // namespace

TEST_CASE("every corpus history gets its expected verdict through the command line", "[corpus][no-cluster]") {
  const std::vector<CorpusRow> rows = corpus_table();
  REQUIRE(rows.size() == 230);
  const auto t0 = std::chrono::steady_clock::now();
  // One `faultline check` per model and initial state, with all of its
  // histories: a start of the sanitized binary costs more than most checks,
  // and several files in one run must each get their own verdict anyway.
  std::map<std::pair<std::string, std::string>, std::vector<const CorpusRow*>> groups;
  for (const CorpusRow& row : rows) groups[{row.model, row.init}].push_back(&row);
  int right = 0;
  for (const auto& [key, group] : groups) {
    Argv args = {"--model", key.first};
    if (key.second != "-") args.insert(args.end(), {"--init", key.second});
    bool any_invalid = false;
    for (const CorpusRow* row : group) {
      args.push_back(kCorpusDir + "/" + row->path);
      any_invalid |= row->expected == "invalid";
    }
    RunResult r = check_cli(args);
    INFO(key.first << " from " << key.second << ": exit " << r.exit_code << "\n" << r.err);
    CHECK(r.exit_code == (any_invalid ? 1 : 0));  // the worst verdict of the group
    for (const CorpusRow* row : group) {
      REQUIRE(kCorpusExitFor.count(row->expected) == 1);
      // Each file's verdict opens a line: "<path>: valid (…".
      const std::string head = kCorpusDir + "/" + row->path + ": ";
      std::size_t at = r.out.rfind("\n" + head);
      at = at == std::string::npos ? (r.out.rfind(head, 0) == 0 ? 0 : std::string::npos) : at + 1;
      std::string verdict = at == std::string::npos ? "(no verdict line)"
                                                    : r.out.substr(at + head.size(), r.out.find(' ', at + head.size()) - at - head.size());
      INFO(row->path << " (" << row->model << ", expected " << row->expected << "): " << verdict);
      CHECK(verdict == row->expected);
      if (verdict == row->expected) ++right;
    }
  }
  CHECK(right == 230);
  std::cout << right << "/" << rows.size() << " corpus histories right through " << groups.size()
            << " runs of `faultline check` in "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() << " s\n";
}

TEST_CASE("a Knossos multi-register history is checked as one with no --model or --checker", "[corpus][no-cluster]") {
  // Its ops are txns of "read"/"write" micro-ops (Elle's are "r"/"w"): a
  // linearizability history, not an Elle one.
  const std::string file = kCorpusDir + "/knossos/multi-register/good/multi-register.edn";
  const std::string init = R"({"x":0,"y":0})";
  RunResult r = check_cli({"--init", init, file});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("linearizable as a multi-register") != std::string::npos);
  // Without --init its registers start as null (the model's default), which
  // this history's reads of 0 contradict; it is still judged as a multi-register.
  RunResult no_init = check_cli({file});
  INFO(no_init.out << no_init.err);
  CHECK((no_init.exit_code == 0 || no_init.exit_code == 1));
  CHECK(no_init.out.find("multi-register") != std::string::npos);
  // An explicit --model wins over what the history looks like, and so does --checker.
  CHECK(check_cli({"--model", "multi-register", "--init", init, file}).exit_code == 0);
  CHECK(check_cli({"--model", "cas-register", file}).exit_code == 65);
  CHECK(check_cli({"--checker", "txn-rw-register", file}).exit_code == 65);
}
