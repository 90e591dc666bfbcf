#include <catch2/catch.hpp>
#include <mutex>
#include <thread>

#include "nemesis/fault_journal.h"
#include "nemesis/schedule.h"
#include "nemesis_guard.h"

using namespace fl;

TEST_CASE("a schedule with an unknown fault name is refused, naming the known ones", "[nemesis]") {
  NemesisContext ctx;
  ScheduleOptions o;
  o.faults = {"partition", "earthquake"};
  CHECK_THROWS_WITH(NemesisSchedule(ctx, o, nullptr), Catch::Contains("unknown nemesis \"earthquake\"") &&
                                                          Catch::Contains("partition-majorities-ring"));
}

TEST_CASE("a phase's length must be a finite positive number of seconds", "[nemesis]") {
  CHECK(parse_phase("20s partition-halves").seconds == 20);
  CHECK(parse_phase("1.5m quiet").seconds == 90);
  // stod reads "nan" and "inf": a NaN length passed the `<= 0` test, and the
  // schedule then cast NaN, inf or 1e300 seconds to integer nanoseconds (UB).
  for (const char* word : {"nans quiet", "infs partition-halves", "inf quiet", "-infs quiet", "1e300s quiet",
                           "0s quiet", "-5s quiet"})
    CHECK_THROWS_WITH(parse_phase(word), Catch::Contains("must read"));
}

TEST_CASE("a schedule alternates fault and heal, records each, and always ends healed", "[nemesis][root]") {
  FL_REQUIRE_ROOT();
  test::NemesisCluster c(3);
  NemesisContext ctx{c.cluster->hosts(), nullptr, nullptr};
  ScheduleOptions o;
  o.faults = {"partition", "loss"};
  o.interval_s = 0.15;
  o.seed = 42;
  std::vector<NemesisEvent> events;
  std::mutex mu;
  NemesisSchedule schedule(ctx, o, [&](const NemesisEvent& e) {
    std::lock_guard<std::mutex> l(mu);
    events.push_back(e);
  });
  std::atomic<bool> stop{false};
  std::thread t([&] { schedule.run(stop); });
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  stop = true;
  t.join();
  schedule.heal_all();  // safe twice
  REQUIRE(events.size() >= 4);
  for (size_t i = 0; i < events.size(); ++i) {
    INFO(events[i].f << " " << events[i].value.dump());
    CHECK(events[i].f.rfind(i % 2 == 0 ? "start-" : "stop-", 0) == 0);
    CHECK_FALSE(events[i].value.contains("error"));
  }
  CHECK(events.size() % 2 == 0);  // the last start has its stop
  CHECK(journaled_faults().empty());
}
