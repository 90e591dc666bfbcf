#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <set>
#include <thread>

#include "cluster/faketime.h"
#include "nemesis/fault_journal.h"
#include "nemesis/nemesis.h"
#include "nemesis/schedule.h"
#include "nemesis_guard.h"
#include "tests/recording_db.h"

using namespace fl;

namespace {

long last_time_in(const std::string& log) {
  std::ifstream f(log);
  std::string line, last;
  while (std::getline(f, line))
    if (!line.empty()) last = line;
  return last.empty() ? 0 : std::stol(last);
}

long now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

TEST_CASE("a clock skew moves a running libfaketime-wrapped program's clock, and stop resets it", "[nemesis][root]") {
  FL_REQUIRE_ROOT();
  test::NemesisCluster c(2);
  Host* n1 = c.cluster->host("n1");
  std::string log = "/tmp/fl-test-clock-nemesis.log";
  std::remove(log.c_str());
  DaemonSpec d{"clock", {"bash", "-c", "while true; do printf '%(%s)T\\n' -1; read -t 0.05 <> <(:) || true; done"}, log,
               faketime_env(*n1), ""};
  int pid = n1->spawn(d);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(std::labs(last_time_in(log) - now_s()) <= 2);
  NemesisContext ctx{c.cluster->hosts(), nullptr, nullptr};
  auto clock = make_nemesis("clock", {{"target", "n1"}, {"offset_s", -600}});
  NemesisEvent e = clock->start(ctx);
  CHECK(e.value["offsets"]["n1"] == -600);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(std::labs(last_time_in(log) - (now_s() - 600)) <= 2);
  clock->stop(ctx);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(std::labs(last_time_in(log) - now_s()) <= 2);
  CHECK(journaled_faults().empty());
  n1->stop(pid, std::chrono::milliseconds(200));
  std::remove(log.c_str());
}

TEST_CASE("a clock strobe flips the offset back and forth until stopped", "[nemesis][root]") {
  FL_REQUIRE_ROOT();
  test::NemesisCluster c(1);
  Host* n1 = c.cluster->host("n1");
  NemesisContext ctx{c.cluster->hosts(), nullptr, nullptr};
  auto strobe = make_nemesis("clock-strobe", {{"offset_s", 10}, {"interval_ms", 20}});
  strobe->start(ctx);
  std::set<double> seen;
  for (int i = 0; i < 100 && seen.size() < 2; ++i) {
    seen.insert(read_clock_offset(*n1));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  CHECK(seen == std::set<double>{0, 10});
  strobe->stop(ctx);
  CHECK(read_clock_offset(*n1) == 0);
}

TEST_CASE("a system that reads the clock without libc says clearly that it cannot be skewed", "[nemesis][no-cluster]") {
  test::RecordingDb db("", "etcd");  // like etcd: a Go binary reads the clock without libc
  NemesisContext ctx{{}, &db, nullptr};
  CHECK_THROWS_AS(make_nemesis("clock")->start(ctx), EnvironmentError);
  CHECK_THROWS_WITH(make_nemesis("clock")->start(ctx), Catch::Contains("cannot act on etcd"));
  CHECK(make_nemesis("clock-bump")->unavailable(&db).find("libfaketime cannot skew it") != std::string::npos);
  CHECK(make_nemesis("partition")->unavailable(&db).empty());
  ScheduleOptions o;
  o.faults = {"partition", "clock"};
  CHECK_THROWS_WITH(NemesisSchedule(ctx, o, nullptr), Catch::Contains("cannot act on etcd"));
}
