#include <catch2/catch.hpp>
#include <mutex>
#include <thread>

#include "nemesis/fault_journal.h"
#include "nemesis/schedule.h"
#include "nemesis_guard.h"

using namespace fl;

TEST_CASE("the nemesis registry has no entry for an unknown name, and lists the known ones", "[nemesis][no-cluster]") {
  // The user is told by whoever read the name (the harness: unknown_name).
  CHECK(make_nemesis("earthquake") == nullptr);
  CHECK(make_nemesis("partition") != nullptr);
  CHECK(make_nemesis("partition+earthquake") == nullptr);
  CHECK(make_nemesis("partition+kill")->name() == "partition+kill");
  CHECK(make_nemesis("delay+reorder")->name() == "delay+reorder");  // packet faults merge into one
  CHECK_THROWS(make_nemesis("rate", {{"peers", "n2"}}));           // tbf shapes a whole interface
  bool ring = false;
  for (const NemesisInfo& n : list_nemeses()) ring |= n.name == "partition-majorities-ring";
  CHECK(ring);
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
  // Until two faults came and went (at least 1.1 s): on a loaded machine one
  // iptables call can take most of a second (a CI run saw 2 events in 1.1 s).
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::size_t n;
    {
      std::lock_guard<std::mutex> l(mu);
      n = events.size();
    }
    const auto waited = std::chrono::steady_clock::now() - start;
    if ((n >= 4 && waited >= std::chrono::milliseconds(1100)) || waited >= std::chrono::seconds(15)) break;
  }
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
