// The conformance corpus's table (../shared/corpus/expected.tsv): one entry
// per history — its path below the corpus, format, model, init ("-" for
// none) and expected verdict — for the tests that check every history of it.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fl::test {

struct CorpusEntry {
  std::string path, format, model, init, expected;
};

inline std::vector<CorpusEntry> corpus_entries(const std::string& dir) {
  std::ifstream in(dir + "/expected.tsv");
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

}  // namespace fl::test
