// TestPlan: a test's options read and checked once — the --schedule words,
// the KEY=VALUE knob words, the fault names — so the run, the preflight and
// test.json read one plan. No root, no cluster.
#include <catch2/catch.hpp>

#include "harness/commands.h"
#include "harness/test_plan.h"

using namespace fl;

namespace {

TestOptions memory_run() {
  TestOptions o;
  o.system = "memory";
  o.workload = "register";
  o.ops_limit = 10;
  return o;
}

}  // namespace

TEST_CASE("a phase's length must be a finite positive number of seconds", "[no-cluster]") {
  CHECK(parse_phase("20s partition-halves").seconds == 20);
  CHECK(parse_phase("1.5m quiet").seconds == 90);
  // stod reads "nan" and "inf": a NaN length passed the `<= 0` test, and the
  // schedule then cast NaN, inf or 1e300 seconds to integer nanoseconds (UB).
  for (const char* word : {"nans quiet", "infs partition-halves", "inf quiet", "-infs quiet", "1e300s quiet",
                           "0s quiet", "-5s quiet"})
    CHECK_THROWS_WITH(parse_phase(word), Catch::Contains("must read"));
}

TEST_CASE("a phase's options are KEY=VALUE words, VALUE read as JSON when it parses", "[no-cluster]") {
  NemesisPhase p = parse_phase("15s kill target=n1 grudge={\"n1\":[\"n2\"]}");
  CHECK(p.fault == "kill");
  CHECK(p.options == nlohmann::json{{"target", "n1"}, {"grudge", {{"n1", {"n2"}}}}});
  CHECK_THROWS_WITH(parse_phase("15s kill target"), Catch::Contains("\"target\" is not key=value"));
  CHECK_THROWS_WITH(parse_phase("15s quiet target=n1"), Catch::Contains("takes no options"));
}

TEST_CASE("a knob word is KEY=VALUE, VALUE JSON when it parses and text otherwise, a bare KEY true", "[no-cluster]") {
  CHECK(parse_knob("keys=4", "--workload-opt") == std::pair<std::string, nlohmann::json>{"keys", 4});
  CHECK(parse_knob("values=small", "--workload-opt").second == "small");
  CHECK(parse_knob("sync", "--opt").second == true);
  CHECK(parse_knob("reads=", "--opt").second == "");
  CHECK_THROWS_WITH(parse_knob("=1", "--opt"), Catch::Contains("--opt takes KEY=VALUE, not \"=1\""));
}

TEST_CASE("the plan holds the schedule's phases and every fault the run may start, read once", "[no-cluster]") {
  TestOptions o = memory_run();
  o.schedule = {"5s partition-halves", "2s quiet", "3s kill target=n1"};
  TestPlan plan = plan_test(o);
  REQUIRE(plan.phases.size() == 3);
  CHECK(plan.phases[1].fault.empty());
  CHECK(plan.phases[2].options == nlohmann::json{{"target", "n1"}});
  CHECK(plan.faults == std::vector<std::string>{"partition-halves", "kill"});
  CHECK(plan.options.schedule == o.schedule);  // test.json records the words as given
  CHECK(plan.options.test_name == "memory-register-schedule");
  CHECK(plan.options.seed != 0);
}

TEST_CASE("the plan refuses an unknown fault, in --nemesis or in a phase, naming the known ones", "[no-cluster]") {
  TestOptions o = memory_run();
  o.nemesis = {"earthquake"};
  CHECK_THROWS_WITH(plan_test(o), Catch::Contains("unknown nemesis \"earthquake\" (known: partition, "));
  o.nemesis = {};
  o.schedule = {"5s earthquake"};
  CHECK_THROWS_AS(plan_test(o), UsageError);
}
