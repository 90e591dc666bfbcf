// The hand-written histories of tests/data/checkers (listed with their
// expected verdicts in cases.json): each must give exactly its planted
// anomalies — kind and op indexes — or pass when none is planted.
#include <algorithm>
#include <fstream>
#include <set>

#include <catch2/catch.hpp>

#include "checkers/registry.h"
#include "history/format.h"
#include "tests/checkers/online_agreement.h"

namespace {

using fl::Json;

Json load_cases() {
  std::ifstream in(std::string(FL_TEST_DATA) + "/checkers/cases.json");
  REQUIRE(in);
  return Json::parse(in);
}

std::multiset<std::string> shape(const Json& anomalies) {
  std::multiset<std::string> out;
  for (const Json& a : anomalies) {
    std::vector<std::int64_t> ops = a.at("ops").get<std::vector<std::int64_t>>();
    std::sort(ops.begin(), ops.end());
    out.insert(a.at("kind").get<std::string>() + " " + Json(ops).dump());
  }
  return out;
}

void run_cases(const std::set<std::string>& checkers) {
  Json cases = load_cases();
  int ran = 0;
  for (const Json& c : cases) {
    std::string checker = c.at("checker");
    if (!checkers.count(checker)) continue;
    ++ran;
    std::string file = c.at("file");
    DYNAMIC_SECTION(checker << " on " << file) {
      const fl::Checker* k = fl::find_checker(checker);
      REQUIRE(k != nullptr);
      fl::History h = fl::read_history(std::string(FL_TEST_DATA) + "/checkers/" + file);
      fl::CheckOptions opts;
      if (c.contains("init")) opts.init = c["init"];
      fl::CheckResult r = k->check(h, opts);
      INFO(r.detail.dump(1));
      // A checker with an online form says the same fed op by op.
      if (k->online(opts)) fl::test::require_online_agrees(*k, h, opts);
      CHECK(shape(r.detail.at("anomalies")) == shape(c.at("expect")));
      CHECK(r.valid == (c.at("expect").empty() ? fl::Validity::Valid : fl::Validity::Invalid));
      // Every anomaly explains itself in one sentence.
      for (const Json& a : r.detail.at("anomalies")) {
        std::string why = a.at("explanation");
        CHECK(!why.empty());
        CHECK(why.find('\n') == std::string::npos);
      }
    }
  }
  CHECK(ran > 0);
}

}  // namespace

TEST_CASE("session checkers report exactly the planted session anomaly of each hand-written history", "[checkers][session]") {
  run_cases({"session", "read-your-writes", "monotonic-reads", "monotonic-writes", "writes-follow-reads"});
}

TEST_CASE("causal checkers report exactly the planted bad pattern of each hand-written history", "[checkers][causal]") {
  run_cases({"causal", "causal-consistency", "causal-memory", "causal-convergence"});
}

TEST_CASE("Jepsen's classic checkers report exactly the planted anomaly of each hand-written history", "[checkers][classic]") {
  run_cases({"set", "counter", "bank", "total-queue", "unique-ids", "stats"});
}
