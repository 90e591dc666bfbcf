// The availability checker (Maelstrom's --availability): the share of client
// ops that completed ok against a target, "total" or a fraction; nemesis
// events are not ops; without a target or an op it says unknown.
#include <catch2/catch.hpp>

#include "checkers/availability.h"
#include "checkers/registry.h"

using namespace fl;

namespace {

History served(int ok, int fail, int info) {
  std::vector<Op> ops;
  auto add = [&ops](std::int64_t process, OpType t, Json v) {
    Op o;
    o.process = process;
    o.type = t;
    o.f = "read";
    o.value = std::move(v);
    o.line = static_cast<std::int64_t>(ops.size()) + 1;
    o.time = o.line * 1000000;
    ops.push_back(std::move(o));
  };
  std::int64_t p = 0;
  for (int i = 0; i < ok; ++i, ++p) add(p, OpType::Invoke, nullptr), add(p, OpType::Ok, 1);
  for (int i = 0; i < fail; ++i, ++p) add(p, OpType::Invoke, nullptr), add(p, OpType::Fail, nullptr);
  for (int i = 0; i < info; ++i, ++p) add(p, OpType::Invoke, nullptr), add(p, OpType::Info, nullptr);
  add(kNemesis, OpType::Info, nullptr);  // a fault: not an op the system should serve
  return History(std::move(ops), "test.jsonl");
}

CheckResult judge(const History& h, Json target) {
  CheckOptions o;
  if (!target.is_null()) o.params["availability"] = std::move(target);
  return find_checker("availability")->check(h, o);
}

}  // namespace

TEST_CASE("availability: a fraction is met at or above it, and missed below it, naming unserved ops", "[checkers]") {
  History h = served(9, 1, 0);  // 90% ok
  CHECK(judge(h, 0.9).valid == Validity::Valid);
  CHECK(judge(h, 0.5).valid == Validity::Valid);
  CheckResult r = judge(h, 0.95);
  REQUIRE(r.valid == Validity::Invalid);
  CHECK(r.detail["anomalies"][0]["kind"] == "unavailable");
  CHECK(r.detail["anomalies"][0]["ops"] == Json::array({19}));  // the fail's completion
  CHECK(r.detail["ok-count"] == 9);
  CHECK(r.detail["op-count"] == 10);
}

TEST_CASE("availability: total needs every op ok, and an info counts as unserved", "[checkers]") {
  CHECK(judge(served(5, 0, 0), parse_availability("total")).valid == Validity::Valid);
  CHECK(judge(served(999, 0, 1), parse_availability("total")).valid == Validity::Invalid);
  CHECK(judge(served(999, 0, 1), 0.999).valid == Validity::Valid);
}

TEST_CASE("availability: no target or no op is nothing to judge", "[checkers]") {
  CHECK(judge(served(3, 0, 0), nullptr).valid == Validity::Unknown);
  CHECK(judge(served(0, 0, 0), 0.5).valid == Validity::Unknown);
}

TEST_CASE("availability: the target is total or a fraction from 0 to 1, else one sentence", "[checkers]") {
  CHECK(parse_availability("total") == 1);
  CHECK(parse_availability("0.25") == 0.25);
  CHECK(parse_availability("0") == 0);
  for (const char* bad : {"", "most", "1.5", "-0.1", "nan", "0.5x"}) {
    INFO(bad);
    CHECK_THROWS_WITH(parse_availability(bad), Catch::Contains("\"total\" or a fraction from 0 to 1"));
  }
}
