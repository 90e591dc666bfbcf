// CompactHashSet (checkers/linear/hash_set.h) against std::set over inserts,
// repeats, lookups and erases across many merges of its recent batch.
#include <catch2/catch.hpp>

#include <random>
#include <set>

#include "checkers/linear/hash_set.h"

using namespace fl;

TEST_CASE("a compact hash set holds what a std::set holds, across merges", "[linear]") {
  CompactHashSet s;
  std::set<std::uint64_t> ref;
  std::mt19937_64 rng(7);
  for (int i = 0; i < 50000; ++i) {
    const std::uint64_t h = rng() % 40000;  // repeats, spread over several batches
    const int what = static_cast<int>(rng() % 10);
    if (what < 7) {
      s.insert(h);
      ref.insert(h);
    } else if (what < 9) {
      CHECK(s.contains(h) == (ref.count(h) == 1));
    } else {
      CHECK(s.erase(h) == (ref.erase(h) == 1));
    }
  }
  CHECK(s.size() == ref.size());
  for (std::uint64_t h = 0; h < 40000; ++h) REQUIRE(s.contains(h) == (ref.count(h) == 1));
}
