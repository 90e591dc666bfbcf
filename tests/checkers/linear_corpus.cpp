// The conformance corpus (../shared/corpus/expected.tsv): every history gets
// the verdict its authors' checker gave, with the model and initial state the
// table names, and never unknown.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "checkers/registry.h"
#include "history/format.h"

namespace fl::test {
namespace {

struct CorpusEntry {
  std::string path, format, model, init, expected;
};

std::vector<CorpusEntry> corpus() {
  std::ifstream in(std::string(FL_CORPUS_DIR) + "/expected.tsv");
  std::vector<CorpusEntry> out;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::istringstream fields(line);
    CorpusEntry e;
    std::getline(fields, e.path, '\t');
    std::getline(fields, e.format, '\t');
    std::getline(fields, e.model, '\t');
    std::getline(fields, e.init, '\t');
    std::getline(fields, e.expected, '\t');
    out.push_back(e);
  }
  return out;
}

}  // namespace

TEST_CASE("every corpus history gets its expected verdict, none unknown", "[linear][corpus]") {
  const std::vector<CorpusEntry> entries = corpus();
  REQUIRE(entries.size() == 230);
  const Checker* checker = find_checker("linearizable");
  REQUIRE(checker != nullptr);
  int right = 0;
  for (const CorpusEntry& e : entries) {
    const History h = read_history(std::string(FL_CORPUS_DIR) + "/" + e.path, *parse_format(e.format));
    CheckOptions opts;
    opts.model = e.model;
    if (e.init != "-") opts.init = Json::parse(e.init);
    opts.time_limit_s = 60;
    const CheckResult r = checker->check(h, opts);
    INFO(e.path << ": " << r.summary);
    CHECK(std::string(to_string(r.valid)) == e.expected);
    if (std::string(to_string(r.valid)) == e.expected) ++right;
  }
  CHECK(right == 230);
}

}  // namespace fl::test
