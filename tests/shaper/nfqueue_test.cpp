#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <set>

#include <nlohmann/json.hpp>

#include "cluster/local_cluster.h"
#include "shaper_netns.h"
#include "tests/skip.h"

using namespace fl;
using namespace fl::test;

namespace {

double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[static_cast<size_t>(q * static_cast<double>(v.size() - 1))];
}

std::vector<double> delays(const std::vector<Arrival>& a) {
  std::vector<double> d;
  for (const auto& x : a) d.push_back(x.delay_ms);
  return d;
}

nlohmann::json stats_of(const std::string& path) { return nlohmann::json::parse(read_text(path)); }

}  // namespace

TEST_CASE("fl-shaper adds a delay of 50 ms ± 10 ms: median and mean within 10% of 50 ms, nothing lost",
          "[shaper][root]") {
  FL_REQUIRE_ROOT();
  ShaperNamespaces ns;
  std::string stats = "/tmp/fl-sh-delay.json";
  pid_t shaper = ns.start({"--delay-ms", "50", "--jitter-ms", "10", "--seed", "1"}, stats);
  auto got = udp_arrivals(7400, 200, 5000, 300);
  auto d = delays(got);
  double mean = 0;
  for (double x : d) mean += x / static_cast<double>(d.size());
  double sd = 0;
  for (double x : d) sd += (x - mean) * (x - mean) / static_cast<double>(d.size());
  sd = std::sqrt(sd);
  INFO("received " << got.size() << "; p50 " << quantile(d, 0.5) << " ms, p99 " << quantile(d, 0.99) << " ms, mean "
                   << mean << " ms, sd " << sd << " ms; shaper: " << read_text(stats));
  CHECK(got.size() == 200);
  CHECK(quantile(d, 0.5) == Approx(50).margin(5));
  CHECK(mean == Approx(50).margin(5));
  CHECK(sd > 7);
  CHECK(sd < 14);
  CHECK(ns.stop(shaper) == 0);
  auto s = stats_of(stats);
  CHECK(s["received"].get<int>() >= 200);
  CHECK(s["released"] == s["received"]);
  CHECK(s["held"] == 0);
}

TEST_CASE("fl-shaper duplicates and reorders the asked fractions: copies arrive, later packets overtake",
          "[shaper][root]") {
  FL_REQUIRE_ROOT();
  ShaperNamespaces ns;
  std::string stats = "/tmp/fl-sh-dup.json";
  pid_t shaper = ns.start({"--delay-ms", "20", "--reorder", "25", "--duplicate", "30", "--seed", "2"}, stats);
  auto got = udp_arrivals(7401, 400, 2000, 200);
  std::set<std::uint32_t> distinct;
  int early = 0, overtaken = 0;
  std::uint32_t highest = 0;
  for (const auto& a : got) {
    distinct.insert(a.seq);
    if (a.delay_ms < 10) ++early;
    if (a.seq < highest) ++overtaken;
    highest = std::max(highest, a.seq);
  }
  double dup = static_cast<double>(got.size() - distinct.size()) / 400.0;
  double at_once = early / static_cast<double>(got.size());
  INFO("received " << got.size() << " (" << distinct.size() << " distinct): duplicated " << dup << ", sent at once "
                   << at_once << ", overtaken " << overtaken << "; shaper: " << read_text(stats));
  CHECK(distinct.size() == 400);
  CHECK(dup == Approx(0.30).margin(0.08));      // binomial(400, 0.3): ±0.08 is 3.5 deviations
  CHECK(at_once == Approx(0.25).margin(0.08));
  CHECK(overtaken > 20);
  CHECK(ns.stop(shaper) == 0);
  CHECK(stats_of(stats)["copies_sent"].get<int>() == static_cast<int>(got.size() - distinct.size()));
}

TEST_CASE("fl-shaper's corrupted packets fail the receiver's checksum and are dropped", "[shaper][root]") {
  FL_REQUIRE_ROOT();
  ShaperNamespaces ns;
  std::string stats = "/tmp/fl-sh-corrupt.json";
  pid_t shaper = ns.start({"--corrupt", "100"}, stats);
  auto all = udp_arrivals(7402, 100, 1000, 200);
  CHECK(all.empty());
  CHECK(ns.stop(shaper) == 0);
  CHECK(stats_of(stats)["corrupted"].get<int>() >= 100);

  shaper = ns.start({"--corrupt", "50", "--seed", "3"}, stats);
  auto half = udp_arrivals(7403, 200, 1000, 200);
  INFO("delivered " << half.size() << " of 200 at 50% corruption");
  CHECK(half.size() > 60);
  CHECK(half.size() < 140);
  CHECK(ns.stop(shaper) == 0);
}

TEST_CASE("on SIGTERM fl-shaper releases everything it holds at once and exits 0", "[shaper][root]") {
  FL_REQUIRE_ROOT();
  ShaperNamespaces ns;
  std::string stats = "/tmp/fl-sh-term.json";
  pid_t shaper = ns.start({"--delay-ms", "5000"}, stats);
  std::vector<Arrival> got;
  std::thread traffic([&] { got = udp_arrivals(7404, 20, 5000, 1500); });
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  int code = ns.stop(shaper);
  traffic.join();
  CHECK(code == 0);
  INFO("shaper: " << read_text(stats));
  CHECK(got.size() == 20);
  for (const auto& a : got) CHECK(a.delay_ms < 2000);
  auto s = stats_of(stats);
  CHECK(s["received"] == 20);
  CHECK(s["released"] == 20);
}
