#include <catch2/catch.hpp>

#include "cluster/host.h"
#include "nemesis/grudge.h"

using namespace fl;

namespace {
const std::vector<std::string> five = {"n1", "n2", "n3", "n4", "n5"};

bool drops(const Grudge& g, const std::string& a, const std::string& b) {
  auto it = g.find(a);
  return it != g.end() && it->second.count(b);
}
}  // namespace

TEST_CASE("halves cuts the first half of the nodes off from the rest, both ways", "[nemesis][no-cluster]") {
  std::mt19937_64 rng(1);
  Grudge g = make_grudge("halves", {"n1", "n2", "n3"}, rng);
  CHECK(drops(g, "n1", "n2"));
  CHECK(drops(g, "n2", "n1"));
  CHECK(drops(g, "n1", "n3"));
  CHECK_FALSE(drops(g, "n2", "n3"));
  CHECK_FALSE(drops(g, "n3", "n2"));
}

TEST_CASE("one isolates exactly one node from all the others", "[nemesis][no-cluster]") {
  std::mt19937_64 rng(7);
  Grudge g = make_grudge("one", five, rng);
  int isolated = 0;
  for (const auto& n : five)
    if (g[n].size() == 4) ++isolated;
  CHECK(isolated == 1);
  for (const auto& n : five) CHECK((g[n].size() == 4 || g[n].size() == 1));
}

TEST_CASE("majorities-ring gives every node a majority, and no two nodes the same one", "[nemesis][no-cluster]") {
  std::mt19937_64 rng(3);
  Grudge g = make_grudge("majorities-ring", five, rng);
  std::set<std::set<std::string>> views;
  for (const auto& n : five) {
    std::set<std::string> sees;
    for (const auto& m : five)
      if (!drops(g, n, m)) sees.insert(m);
    CHECK(sees.count(n));
    CHECK(sees.size() == 3);
    views.insert(sees);
  }
  CHECK(views.size() == 5);
}

TEST_CASE("bridge joins two halves that drop each other through one node that sees both", "[nemesis][no-cluster]") {
  std::mt19937_64 rng(5);
  Grudge g = make_grudge("bridge", five, rng);
  std::string bridge;
  for (const auto& n : five)
    if (!g.count(n) || g[n].empty()) bridge = n;
  REQUIRE_FALSE(bridge.empty());
  for (const auto& n : five) CHECK_FALSE(drops(g, n, bridge));
  int cut = 0;
  for (const auto& n : five) cut += static_cast<int>(g[n].size());
  CHECK(cut == 8);  // 2×2 nodes dropping each other both ways
}

TEST_CASE("random-halves is seeded: the same seed gives the same grudge", "[nemesis][no-cluster]") {
  std::mt19937_64 a(11), b(11);
  CHECK(make_grudge("random-halves", five, a) == make_grudge("random-halves", five, b));
}

TEST_CASE("a custom grudge is read from JSON and must name only cluster nodes", "[nemesis][no-cluster]") {
  Grudge g = grudge_from_json(nlohmann::json::parse(R"({"n1": ["n2"], "n2": ["n1"]})"), five);
  CHECK(drops(g, "n1", "n2"));
  CHECK_FALSE(drops(g, "n1", "n3"));
  CHECK(grudge_to_json(g) == nlohmann::json::parse(R"({"n1": ["n2"], "n2": ["n1"]})"));
  CHECK_THROWS_WITH(grudge_from_json(nlohmann::json::parse(R"({"n1": ["n9"]})"), five),
                    Catch::Contains("\"n9\", which is not a node"));
  CHECK_THROWS_AS(grudge_from_json(nlohmann::json::parse("[1]"), five), ClusterError);
  std::mt19937_64 rng(1);
  CHECK_THROWS_WITH(make_grudge("sideways", five, rng), Catch::Contains("unknown grudge"));
}
