#include <catch2/catch.hpp>

#include "systems/system.h"

using namespace fl;

TEST_CASE("the memory system is a register with read, write and cas", "[no-cluster]") {
  auto s = make_system("memory");
  REQUIRE(s);
  CHECK(s->in_process());
  auto c = s->make_client("register", nullptr, {});
  CHECK(c->invoke({"read", nullptr, std::nullopt}).value.is_null());
  CHECK(c->invoke({"write", 3, std::nullopt}).type == OpType::Ok);
  CHECK(c->invoke({"cas", Json::array({2, 4}), std::nullopt}).type == OpType::Fail);
  CHECK(c->invoke({"cas", Json::array({3, 4}), std::nullopt}).type == OpType::Ok);
  Completion r = c->invoke({"read", nullptr, std::nullopt});
  CHECK(r.type == OpType::Ok);
  CHECK(r.value == 4);
  // Keys are independent.
  CHECK(c->invoke({"read", nullptr, Json(1)}).value.is_null());
}

TEST_CASE("the stale-read bug makes some reads return one of the last 64 values, not only the previous one", "[no-cluster]") {
  auto s = make_system("memory", {{"bug", "stale-read"}});
  auto c = s->make_client("register", nullptr, {});
  for (int v = 1; v <= 100; ++v) c->invoke({"write", v, std::nullopt});
  int fresh = 0, previous = 0, older = 0;
  for (int i = 0; i < 400; ++i) {
    Json v = c->invoke({"read", nullptr, std::nullopt}).value;
    REQUIRE(v.is_number_integer());
    REQUIRE(v.get<int>() >= 100 - 64);  // the replica keeps 64 values
    if (v == 100) ++fresh;
    else if (v == 99) ++previous;
    else ++older;
  }
  CHECK(fresh > 200);  // three reads in four go to the primary
  CHECK(older > 0);
  CHECK(fresh + previous + older == 400);
}

TEST_CASE("lost replies are info, and the op took effect", "[no-cluster]") {
  auto s = make_system("memory", {{"lost-replies", 1.0}});
  auto c = s->make_client("register", nullptr, {});
  CHECK(c->invoke({"write", 5, std::nullopt}).type == OpType::Info);
  CHECK_THROWS_AS(make_system("memory", {{"bug", "nosuch"}}), std::invalid_argument);
}
