// The set, broadcast, g-counter and pn-counter checks fed as a run feeds them — the
// recorder's batches handed to OnlineChecking, which numbers the pairs and
// feeds every online form on its own thread — finish with exactly the offline
// verdicts of the same histories (refusals naming the file), and print only
// anomalies that stay.
#include <catch2/catch.hpp>

#include "checkers/registry.h"
#include "harness/online_checking.h"
#include "tests/checkers/set_sim.h"

using namespace fl;

TEST_CASE("set, broadcast, g-counter and pn-counter checked while a simulated run records give the offline verdicts", "[no-cluster]") {
  int histories = 0, invalid = 0;
  for (std::uint64_t seed = 1; seed <= 400; ++seed) {
    const std::vector<const char*> names = seed % 4 == 0 ? std::vector<const char*>{"set", "stats"}
                                           : seed % 4 == 1 ? std::vector<const char*>{"g-counter", "stats"}
                                           : seed % 4 == 2 ? std::vector<const char*>{"pn-counter", "stats"}
                                                           : std::vector<const char*>{"broadcast", "set", "stats"};
    const History h = seed % 4 == 0   ? sim::set_history(seed)
                      : seed % 4 == 3 ? sim::broadcast_history(seed)
                                      : sim::counter_history(seed, seed % 4 == 2);
    INFO(h.source());
    CheckOptions named;
    named.source = h.source();  // as the run names its history.jsonl
    std::map<std::string, std::unique_ptr<OnlineCheck>> checks;
    for (const char* n : names) checks[n] = find_checker(n)->online(named);
    OnlineChecking online(std::move(checks), nullptr, std::chrono::steady_clock::now());
    // In batches, as the recorder's writer hands them over.
    std::vector<Op> batch;
    for (std::size_t i = 0; i < h.size(); ++i) {
      batch.push_back(h[i]);
      if (batch.size() == 1 + seed % 9 || i + 1 == h.size()) online.take(std::exchange(batch, {}));
    }
    std::vector<std::string> errors;
    std::map<std::string, CheckResult> verdicts = online.finish(static_cast<std::int64_t>(h.size()), errors);
    for (const char* n : names) {
      INFO(n);
      CheckResult offline;
      try {
        offline = find_checker(n)->check(h, {});
      } catch (const std::exception& e) {
        CHECK(verdicts.count(n) == 0);  // refused both ways, in the same words
        bool named_alike = false;
        for (const std::string& err : errors) named_alike = named_alike || err.find(e.what()) != std::string::npos;
        CHECK(named_alike);
        continue;
      }
      REQUIRE(verdicts.count(n) == 1);
      CHECK(to_string(verdicts[n].valid) == to_string(offline.valid));
      CHECK(verdicts[n].detail.dump() == offline.detail.dump());
      CHECK(verdicts[n].summary == offline.summary);
      invalid += offline.valid == Validity::Invalid;
    }
    // Only the set reports mid-run (a duplicated element), and only in an invalid history.
    if (online.anomalies() > 0 && verdicts.count("set")) {
      CHECK(std::string(names[0]) != "g-counter");
      CHECK(std::string(names[0]) != "pn-counter");
      CHECK(find_checker("set")->check(h, {}).valid == Validity::Invalid);
    }
    ++histories;
  }
  CHECK(histories == 400);
  CHECK(invalid >= 50);
}
