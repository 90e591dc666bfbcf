// The report marks the ops each checker's anomaly names: for every planted
// anomaly of the hand-written checker histories (tests/data/checkers/
// cases.json: session, causal, set, counter, bank, queue, ids, stats), the
// ops the case says prove it are among the ops the report highlights and
// draws on the anomaly's own timeline. The browser tests check that the page
// then marks every such op; this checks, for every checker, that none is
// lost between results.json and the page.
#include <catch2/catch.hpp>

#include <fstream>

#include "history/format.h"
#include "report/anomaly_view.h"
#include "tests/report/report_support.h"

using namespace fl;

TEST_CASE("every planted anomaly of the hand-written checker histories names its ops for the report", "[report]") {
  std::ifstream in(std::string(FL_TEST_DATA) + "/checkers/cases.json");
  REQUIRE(in);
  const Json cases = Json::parse(in);
  std::set<std::string> checkers;
  for (const Json& c : cases) {
    if (c["expect"].empty()) continue;
    const std::string file = c["file"].get<std::string>(), checker = c["checker"].get<std::string>();
    INFO(file << " with " << checker);
    const History h = read_history(std::string(FL_TEST_DATA) + "/checkers/" + file, Format::Auto);
    const Json results = test::check_history(h, {checker}, "", std::nullopt);
    REQUIRE(results["valid"] != true);
    const std::vector<AnomalyRef> anomalies = collect_anomalies(results);
    CHECK(anomalies.size() >= c["expect"].size());
    const std::set<std::int64_t> named = named_ops(anomalies);
    for (const Json& e : c["expect"])
      for (const Json& op : e["ops"]) CHECK(named.count(op.get<std::int64_t>()) == 1);
    checkers.insert(checker);
  }
  CHECK(checkers.size() >= 12);
}
