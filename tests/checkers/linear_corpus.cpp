// The conformance corpus (../shared/corpus/expected.tsv): every history gets
// the verdict its authors' checker gave, with the model and initial state the
// table names, and never unknown. Beside it, small hand-made cases for the
// models the corpus lacks (tests/data/linear/, each file arguing its verdict
// in a comment).
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "checkers/registry.h"
#include "history/format.h"
#include "tests/corpus_entries.h"

namespace fl::test {
namespace {

std::vector<CorpusEntry> corpus(const std::string& dir) { return corpus_entries(dir); }

int right_verdicts(const std::string& dir, const std::vector<CorpusEntry>& entries) {
  const Checker* checker = find_checker("linearizable");
  REQUIRE(checker != nullptr);
  int right = 0;
  for (const CorpusEntry& e : entries) {
    const History h = read_history(dir + "/" + e.path, *parse_format(e.format));
    CheckOptions opts;
    opts.model = e.model;
    if (e.init != "-") opts.init = Json::parse(e.init);
    opts.time_limit_s = 60;
    const CheckResult r = checker->check(h, opts);
    INFO(e.path << ": " << r.summary);
    CHECK(std::string(to_string(r.valid)) == e.expected);
    if (std::string(to_string(r.valid)) == e.expected) ++right;
  }
  return right;
}

}  // namespace

TEST_CASE("every corpus history gets its expected verdict, none unknown", "[linear][corpus]") {
  const std::vector<CorpusEntry> entries = corpus(FL_CORPUS_DIR);
  REQUIRE(entries.size() == 230);
  CHECK(right_verdicts(FL_CORPUS_DIR, entries) == 230);
}

TEST_CASE("every hand-made set, queue and mutex case gets the verdict its comment argues", "[linear][corpus]") {
  const std::string dir = std::string(FL_TEST_DATA) + "/linear";
  const std::vector<CorpusEntry> entries = corpus(dir);
  REQUIRE(entries.size() >= 16);
  for (const char* model : {"set", "fifo-queue", "unordered-queue", "mutex"})
    for (const char* verdict : {"valid", "invalid"})
      CHECK(std::count_if(entries.begin(), entries.end(), [&](const CorpusEntry& e) {
              return e.model == model && e.expected == verdict;
            }) >= 2);
  CHECK(right_verdicts(dir, entries) == static_cast<int>(entries.size()));
}

}  // namespace fl::test
