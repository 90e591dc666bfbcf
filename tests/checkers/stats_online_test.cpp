// The stats checker's online form, fed every history of the conformance
// corpus op by op as a run feeds it, gives exactly the offline result: the
// same verdict, counts and never-succeeds ops.
#include <catch2/catch.hpp>

#include "checkers/online.h"
#include "checkers/registry.h"
#include "history/format.h"
#include "tests/corpus_entries.h"

using namespace fl;

TEST_CASE("stats judged op by op while recording says what stats says after, on every corpus history", "[checkers]") {
  const Checker& stats = *find_checker("stats");
  int histories = 0, invalid = 0;
  for (const test::CorpusEntry& e : test::corpus_entries(FL_CORPUS_DIR)) {
    const History h = read_history(std::string(FL_CORPUS_DIR) + "/" + e.path, *parse_format(e.format));
    INFO(e.path);
    const CheckResult offline = stats.check(h, {});
    std::unique_ptr<OnlineCheck> online = stats.online({});
    REQUIRE(online);
    std::vector<std::int64_t> pair_of(h.size(), -1);
    for (std::size_t i = 0; i < h.pairs().size(); ++i) {
      pair_of[static_cast<std::size_t>(h.pairs()[i].invoke)] = static_cast<std::int64_t>(i);
      if (h.pairs()[i].complete >= 0) pair_of[static_cast<std::size_t>(h.pairs()[i].complete)] = static_cast<std::int64_t>(i);
    }
    for (std::size_t i = 0; i < h.size(); ++i) online->feed(OpRef(h[i], static_cast<std::int64_t>(i), pair_of[i]));
    CHECK(online->take_anomalies().empty());  // nothing is decided before the end
    const CheckResult fed = online->finish(static_cast<std::int64_t>(h.size()));
    CHECK(fed.valid == offline.valid);
    CHECK(fed.detail == offline.detail);
    ++histories;
    invalid += offline.valid == Validity::Invalid;
  }
  CHECK(histories >= 200);
  CHECK(invalid >= 1);  // some corpus history has an f that never succeeds
}
