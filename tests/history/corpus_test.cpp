// Every history of the shared corpus reads completely with Format::Auto.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <sstream>

#include "history/format.h"

using namespace fl;

TEST_CASE("every corpus history parses completely and is detected as its listed format") {
  std::ifstream tsv(std::string(FL_CORPUS_DIR) + "/expected.tsv");
  REQUIRE(tsv);
  std::string line;
  std::getline(tsv, line);  // header
  // Op counts checked by hand: grep -c ':process' for EDN, the jepsen.util
  // op lines for the logs.
  const std::map<std::string, std::size_t> known = {
      {"porcupine/etcd/etcd_000.log", 170},
      {"porcupine/etcd/etcd_002.log", 154},
      {"porcupine/kv/c01-ok.txt", 116},
      {"porcupine/kv/c50-bad.txt", 4048},
      {"knossos/cas-register/good/memstress3-0.edn", 634},
      {"knossos/cas-register/bad/cas-failure.edn", 590},
      {"knossos/multi-register/good/multi-register.edn", 250},
      {"knossos/mutex/bad/etcd.edn", 1135},
  };
  std::size_t files = 0, ops = 0, checked = 0;
  while (std::getline(tsv, line)) {
    if (line.empty()) continue;
    std::istringstream row(line);
    std::string rel, format;
    std::getline(row, rel, '\t');
    std::getline(row, format, '\t');
    std::string path = std::string(FL_CORPUS_DIR) + "/" + rel;
    INFO(rel);
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    CHECK(to_string(detect_format(in)) == format);
    History h = read_history(path, Format::Auto);
    CHECK(h.size() > 0);
    for (std::size_t i = 0; i < h.size(); ++i)
      if (h[i].is_completion() && !h[i].is_nemesis()) CHECK(h.partner(i) >= 0);
    auto k = known.find(rel);
    if (k != known.end()) {
      CHECK(h.size() == k->second);
      ++checked;
    }
    ++files;
    ops += h.size();
  }
  CHECK(files == 230);
  CHECK(checked == known.size());
  WARN("corpus: " << files << " files, " << ops << " ops");
}
