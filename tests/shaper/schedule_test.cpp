#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "shaper/options.h"
#include "shaper/schedule.h"

using namespace fl::shaper;

namespace {

struct Moments {
  double mean = 0, sd = 0, median = 0, lag1 = 0;
};

Moments moments(std::vector<double> v) {
  Moments m;
  double n = static_cast<double>(v.size());
  for (double x : v) m.mean += x / n;
  for (double x : v) m.sd += (x - m.mean) * (x - m.mean) / n;
  double cov = 0;
  for (size_t i = 1; i < v.size(); ++i) cov += (v[i] - m.mean) * (v[i - 1] - m.mean) / (n - 1);
  m.lag1 = cov / m.sd;
  m.sd = std::sqrt(m.sd);
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  m.median = v[v.size() / 2];
  return m;
}

std::vector<double> delays_ms(ShapeParams p, int n) {
  Schedule s(p);
  std::vector<double> v;
  for (int i = 0; i < n; ++i) v.push_back(s.next_delay_us() / 1000.0);
  return v;
}

}  // namespace

TEST_CASE("a normal delay of 50 ms ± 10 ms has that mean and standard deviation", "[shaper][no-cluster]") {
  ShapeParams p;
  p.delay_ms = 50;
  p.jitter_ms = 10;
  p.seed = 7;
  Moments m = moments(delays_ms(p, 100000));
  CHECK(m.mean == Approx(50).margin(0.2));
  CHECK(m.sd == Approx(10).margin(0.2));
  CHECK(m.median == Approx(50).margin(0.3));
  CHECK(std::abs(m.lag1) < 0.02);  // uncorrelated unless asked
}

TEST_CASE("a pareto delay keeps the mean and jitter but has a long tail of late packets", "[shaper][no-cluster]") {
  ShapeParams p;
  p.delay_ms = 50;
  p.jitter_ms = 10;
  p.distribution = Distribution::kPareto;
  p.seed = 11;
  std::vector<double> v = delays_ms(p, 200000);
  Moments m = moments(v);
  CHECK(m.mean == Approx(50).margin(0.3));
  CHECK(m.sd == Approx(10).epsilon(0.1));  // a shape-3 tail: the sample deviation settles slowly
  CHECK(m.median < m.mean - 1);            // skewed: most packets early, a few very late
  double above = static_cast<double>(std::count_if(v.begin(), v.end(), [](double d) { return d > 90; }));
  CHECK(above > 0);                        // 4 deviations out: a normal would give ~6 in 200000
  CHECK(*std::min_element(v.begin(), v.end()) >= 50 - 10 * 0.5 / std::sqrt(0.75) - 1e-9);  // Pareto's floor
}

TEST_CASE("a correlated delay follows the previous one by the asked correlation, keeping mean and jitter", "[shaper][no-cluster]") {
  ShapeParams p;
  p.delay_ms = 50;
  p.jitter_ms = 10;
  p.correlation = 0.75;
  p.seed = 3;
  Moments m = moments(delays_ms(p, 100000));
  CHECK(m.lag1 == Approx(0.75).margin(0.02));
  CHECK(m.mean == Approx(50).margin(0.5));
  CHECK(m.sd == Approx(10).margin(0.4));
}

TEST_CASE("a delay is never negative and without jitter is exact", "[shaper][no-cluster]") {
  ShapeParams p;
  p.delay_ms = 5;
  p.jitter_ms = 20;
  for (double d : delays_ms(p, 10000)) REQUIRE(d >= 0);
  p.jitter_ms = 0;
  Schedule s(p);
  Decision d = s.on_packet(1000, 100);
  CHECK(d.original.at_us == 6000);
  CHECK_FALSE(d.copy);
  CHECK_FALSE(d.original.flip_bit);
}

TEST_CASE("reorder sends the asked fraction at once and delays the rest", "[shaper][no-cluster]") {
  ShapeParams p;
  p.delay_ms = 20;
  p.reorder = 0.25;
  p.seed = 5;
  Schedule s(p);
  int n = 100000, at_once = 0, delayed = 0;
  for (int i = 0; i < n; ++i) {
    Decision d = s.on_packet(i * 100, 64);
    if (d.original.at_us == i * 100) ++at_once;
    else if (d.original.at_us == i * 100 + 20000) ++delayed;
  }
  CHECK(at_once + delayed == n);
  CHECK(at_once / double(n) == Approx(0.25).margin(0.01));
}

TEST_CASE("duplicate delivers a copy of the asked fraction, each with a delay of its own", "[shaper][no-cluster]") {
  ShapeParams p;
  p.delay_ms = 50;
  p.jitter_ms = 10;
  p.duplicate = 0.05;
  p.seed = 9;
  Schedule s(p);
  int n = 100000, copies = 0, same_time = 0;
  for (int i = 0; i < n; ++i) {
    Decision d = s.on_packet(0, 64);
    if (d.copy) {
      ++copies;
      if (d.copy->at_us == d.original.at_us) ++same_time;
    }
  }
  CHECK(copies / double(n) == Approx(0.05).margin(0.004));
  CHECK(same_time < copies / 10);
}

TEST_CASE("corrupt flips one bit past the IP header in the asked fraction, never in a packet without payload",
          "[shaper][no-cluster]") {
  ShapeParams p;
  p.corrupt = 0.1;
  p.seed = 13;
  Schedule s(p);
  int n = 100000, flipped = 0;
  for (int i = 0; i < n; ++i) {
    Decision d = s.on_packet(0, 28);
    if (d.original.flip_bit) {
      ++flipped;
      REQUIRE(*d.original.flip_bit < 28 * 8);
    }
    REQUIRE_FALSE(s.on_packet(0, 0).original.flip_bit);
  }
  CHECK(flipped / double(n) == Approx(0.1).margin(0.005));
}

TEST_CASE("a seed gives the same decisions every time", "[shaper][no-cluster]") {
  ShapeParams p;
  p.delay_ms = 50;
  p.jitter_ms = 10;
  p.reorder = 0.3;
  p.duplicate = 0.2;
  p.corrupt = 0.2;
  p.seed = 42;
  Schedule a(p), b(p);
  p.seed = 43;
  Schedule c(p);
  int differ = 0;
  for (int i = 0; i < 1000; ++i) {
    Decision x = a.on_packet(i, 100), y = b.on_packet(i, 100), z = c.on_packet(i, 100);
    REQUIRE(x.original.at_us == y.original.at_us);
    REQUIRE(x.original.flip_bit == y.original.flip_bit);
    REQUIRE(bool(x.copy) == bool(y.copy));
    differ += x.original.at_us != z.original.at_us;
  }
  CHECK(differ > 500);
}

TEST_CASE("the command line takes netem's units and refuses what it cannot use", "[shaper][no-cluster]") {
  ShaperOptions o = parse_options({"--queue", "7", "--delay-ms", "50", "--jitter-ms", "10", "--distribution", "pareto",
                                   "--correlation", "25", "--duplicate", "5", "--corrupt", "1", "--seed", "99",
                                   "--stats", "/tmp/x.json"});
  CHECK(o.queue == 7);
  CHECK(o.shape.delay_ms == 50);
  CHECK(o.shape.jitter_ms == 10);
  CHECK(o.shape.distribution == Distribution::kPareto);
  CHECK(o.shape.correlation == Approx(0.25));
  CHECK(o.shape.duplicate == Approx(0.05));
  CHECK(o.shape.corrupt == Approx(0.01));
  CHECK(o.shape.seed == 99);
  CHECK(o.stats_path == "/tmp/x.json");
  CHECK(o.mark == kCopyMark);

  CHECK(parse_options({"--queue", "1", "--reorder", "25"}).shape.delay_ms == 10);  // netem reorders only delayed packets
  CHECK_THROWS_WITH(parse_options({"--delay-ms", "5"}), Catch::Contains("--queue is required"));
  CHECK_THROWS_WITH(parse_options({"--queue", "1", "--reorder", "150"}), Catch::Contains("within 0-100"));
  CHECK_THROWS_WITH(parse_options({"--queue", "70000"}), Catch::Contains("up to 65535"));
  CHECK_THROWS_WITH(parse_options({"--queue", "1", "--distribution", "uniform"}), Catch::Contains("normal or pareto"));
  CHECK_THROWS_WITH(parse_options({"--queue", "1", "--delay-ms", "-3"}), Catch::Contains("negative"));
  CHECK_THROWS_WITH(parse_options({"--queue", "1", "--bogus", "1"}), Catch::Contains("unknown option"));
  CHECK_THROWS_WITH(parse_options({"--queue"}), Catch::Contains("needs a value"));
  CHECK_THROWS_WITH(parse_options({"--queue", "1", "--delay-ms", "fast"}), Catch::Contains("needs a number"));
}
