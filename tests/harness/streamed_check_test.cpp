// A history checked from its file as a stream (harness/streamed_check.h) gets
// what the same checkers give it held as a History: every transactional
// history of the Elle corpus with its txn checker and `stats`, and every kv
// history of the conformance corpus with `linearizable` and `stats`, and
// simulated set, broadcast, counter and unique-ids histories with their
// checkers, which judge online: word for word, errors too. A checker with no
// streamed way makes the whole check fall back (nullopt).
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "checkers/registry.h"
#include "harness/streamed_check.h"
#include "history/error.h"
#include "tests/checkers/set_sim.h"
#include "tests/corpus_entries.h"

using namespace fl;

namespace {

// The verdict and anomalies of each checker, as results.json holds them.
Json verdicts(const FileResults& fr) {
  Json out = Json::object();
  for (const auto& [name, cr] : fr.by_checker)
    out[name] = {{"valid", validity_json(cr.valid)}, {"anomalies", cr.detail.value("anomalies", Json::array())}};
  return out;
}

void compare(const std::string& path, Format format, const std::vector<const Checker*>& checkers, const CheckOptions& opts) {
  INFO(path);
  std::optional<FileResults> memory;
  try {
    memory = run_checkers(read_history(path, format), checkers, opts);
  } catch (const std::exception& e) {
    INFO("held, it was refused: " << e.what());
    CHECK_THROWS(check_streamed_file(path, format, checkers, opts));
    return;
  }
  StreamCounts counts;
  std::optional<FileResults> streamed = check_streamed_file(path, format, checkers, opts, &counts);
  REQUIRE(streamed);
  CHECK(streamed->valid == memory->valid);
  CHECK(verdicts(*streamed) == verdicts(*memory));
  CHECK(counts.events > 0);
}

}  // namespace

TEST_CASE("streamed from its file, a transactional history gets what it gets held, with stats beside it", "[no-cluster]") {
  int checked = 0;
  std::ifstream in(std::string(FL_CORPUS_DIR) + "/elle/expected.tsv");
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string path, format, workload;
    std::getline(fields, path, '\t');
    std::getline(fields, format, '\t');
    std::getline(fields, workload, '\t');
    const std::string file = std::string(FL_CORPUS_DIR) + "/" + path;
    const Format f = *parse_format(format);
    const char* checker = workload == "list-append" ? "txn-list-append" : "txn-rw-register";
    const std::vector<const Checker*> checkers = {find_checker(checker), find_checker("stats")};
    if (!can_check_streamed(file, f, checkers, {})) continue;  // a format the reader does not stream
    compare(file, f, checkers, {});
    ++checked;
  }
  CHECK(checked >= 30);
}

TEST_CASE("streamed from its file, a kv history gets the linearizability and stats verdicts it gets held", "[no-cluster]") {
  int checked = 0;
  for (const test::CorpusEntry& e : test::corpus_entries(FL_CORPUS_DIR)) {
    if (e.model != "kv") continue;
    const std::string file = std::string(FL_CORPUS_DIR) + "/" + e.path;
    CheckOptions opts;
    opts.model = "kv";
    const std::vector<const Checker*> checkers = {find_checker("linearizable"), find_checker("stats")};
    REQUIRE(can_check_streamed(file, *parse_format(e.format), checkers, opts));
    compare(file, *parse_format(e.format), checkers, opts);
    ++checked;
  }
  CHECK(checked >= 6);
}

TEST_CASE("a checker with no streamed way leaves the history to be read whole", "[no-cluster]") {
  const std::string file = std::string(FL_CORPUS_DIR) + "/" + test::corpus_entries(FL_CORPUS_DIR).front().path;
  CheckOptions opts;
  opts.model = "kv";
  // The session checkers judge a history held whole, and have no online form.
  const std::vector<const Checker*> checkers = {find_checker("stats"), find_checker("read-your-writes")};
  REQUIRE(checkers[1]);
  CHECK_FALSE(can_check_streamed(file, Format::Edn, checkers, opts));
  CHECK_FALSE(check_streamed_file(file, Format::Edn, checkers, opts));
}

TEST_CASE("checkers that all judge online get, streamed from the file, word for word what they get held, errors naming the file",
          "[no-cluster]") {
  const auto named = [](std::initializer_list<const char*> names) {
    std::vector<const Checker*> out;
    for (const char* n : names) out.push_back(find_checker(n));
    return out;
  };
  const std::vector<std::vector<const Checker*>> lists = {
      named({"set", "stats"}), named({"broadcast", "set", "stats"}), named({"g-counter", "stats"}),
      named({"pn-counter"}), named({"stats", "unique-ids"})};
  for (const auto& list : lists) CHECK(online_exactly(list, {}));
  // Linearizability's online form promises the verdict only; a session checker has none.
  CheckOptions cas;
  cas.model = "cas-register";
  CHECK_FALSE(online_exactly(named({"linearizable", "stats"}), cas));
  CHECK_FALSE(online_exactly(named({"set", "read-your-writes"}), {}));
  CHECK_FALSE(online_exactly({}, {}));

  const std::string path =
      (std::filesystem::temp_directory_path() / ("fl-streamed-online-" + std::to_string(::getpid()) + ".jsonl")).string();
  int same = 0, refused = 0;
  for (std::uint64_t seed = 1; seed <= 150; ++seed) {
    const std::size_t k = seed % lists.size();
    const History h = k == 0   ? sim::set_history(seed)
                      : k == 1 ? sim::broadcast_history(seed)
                      : k == 2 ? sim::counter_history(seed, false)
                      : k == 3 ? sim::counter_history(seed, true)
                               : sim::set_history(seed);  // unique-ids refuses it, stats judges it
    {
      std::ofstream out(path);
      for (const Op& op : h.ops()) out << to_json(op).dump() << "\n";
    }
    INFO(h.source() << " as " << k);
    std::optional<FileResults> memory;
    std::string refusal;
    try {
      memory = run_checkers(read_history(path, Format::Jsonl), lists[k], {});
    } catch (const BadInput& e) {
      refusal = e.what();
    }
    try {
      StreamCounts counts;
      std::optional<FileResults> streamed = check_streamed_file(path, Format::Jsonl, lists[k], {}, &counts);
      REQUIRE(streamed);
      REQUIRE(memory);
      CHECK(streamed->file.to_json().dump() == memory->file.to_json().dump());
      // What `faultline check` prints, but for how long it took.
      const std::regex took("checked in [0-9.]+ s");
      CHECK(std::regex_replace(summarize(path, counts.events, counts.operations, *streamed), took, "") ==
            std::regex_replace(summarize(path, h.size(), h.pairs().size(), *memory), took, ""));
      ++same;
    } catch (const BadInput& e) {
      CHECK_FALSE(memory);
      CHECK(e.what() == refusal);
      CHECK(std::string(e.what()).rfind(path + ":", 0) == 0);
      ++refused;
    }
  }
  std::filesystem::remove(path);
  CHECK(same >= 100);
  CHECK(refused >= 20);
}
