#include <catch2/catch.hpp>

#include "systems/system.h"

using namespace fl;

TEST_CASE("the memory system is a register with read, write and cas") {
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

TEST_CASE("the stale-read bug makes some reads return the previous value") {
  auto s = make_system("memory", {{"bug", "stale-read"}});
  auto c = s->make_client("register", nullptr, {});
  c->invoke({"write", 1, std::nullopt});
  c->invoke({"write", 2, std::nullopt});
  int stale = 0;
  for (int i = 0; i < 200; ++i) stale += c->invoke({"read", nullptr, std::nullopt}).value == 1;
  CHECK(stale > 0);
  CHECK(stale < 200);
}

TEST_CASE("lost replies are info, and the op took effect") {
  auto s = make_system("memory", {{"lost_replies", 1.0}});
  auto c = s->make_client("register", nullptr, {});
  CHECK(c->invoke({"write", 5, std::nullopt}).type == OpType::Info);
  CHECK_THROWS_AS(make_system("memory", {{"bug", "nosuch"}}), std::invalid_argument);
}
