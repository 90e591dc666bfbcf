// The maelstrom system's client side without a cluster: Maelstrom's error
// codes as fail or info, and each workload's ops as requests and answers.
#include <catch2/catch.hpp>

#include "systems/maelstrom/maelstrom_client.h"
#include "systems/maelstrom/maelstrom_errors.h"

using namespace fl;

TEST_CASE("Maelstrom's definite errors fail an op, while timeout, crash and unknown codes leave it unknown", "[no-cluster]") {
  for (long code : {1L, 10L, 11L, 12L, 14L, 20L, 21L, 22L, 30L}) CHECK(maelstrom_error_definite(code));
  for (long code : {0L, 13L, 2L, 99L, 1000L}) CHECK_FALSE(maelstrom_error_definite(code));
  Completion c = maelstrom_error_completion({{"type", "error"}, {"code", 22}, {"text", "expected 1"}});
  CHECK(c.type == OpType::Fail);
  CHECK(c.error == "precondition-failed: expected 1");
  CHECK(maelstrom_error_completion({{"type", "error"}, {"code", 0}}).type == OpType::Info);
  CHECK(maelstrom_error_completion({{"type", "error"}, {"code", 13}}).type == OpType::Info);
  CHECK(maelstrom_error_completion({{"type", "error"}, {"code", 1234}}).error == "error 1234");
  CHECK(maelstrom_error_completion({{"type", "error"}}).type == OpType::Info);
}

TEST_CASE("each Maelstrom workload's ops become its requests", "[no-cluster]") {
  CHECK(MaelstromClient::request("echo", {"echo", "hi", std::nullopt}) == Json{{"type", "echo"}, {"echo", "hi"}});
  CHECK(MaelstromClient::request("broadcast", {"add", 7, std::nullopt}) == Json{{"type", "broadcast"}, {"message", 7}});
  CHECK(MaelstromClient::request("g-counter", {"add", 3, std::nullopt}) == Json{{"type", "add"}, {"delta", 3}});
  CHECK(MaelstromClient::request("lin-kv", {"cas", Json::array({1, 2}), Json(4)}) ==
        Json{{"type", "cas"}, {"key", 4}, {"from", 1}, {"to", 2}});
  CHECK(MaelstromClient::request("lin-kv", {"write", 5, Json(4)}) == Json{{"type", "write"}, {"key", 4}, {"value", 5}});
  CHECK(MaelstromClient::request("echo", {"read", nullptr, std::nullopt}).is_null());
}

TEST_CASE("answers become ok with the value read, fail or info, and a missing key reads null", "[no-cluster]") {
  OpSpec read{"read", nullptr, Json(1)};
  Completion c = MaelstromClient::answer("lin-kv", read, {{"type", "read_ok"}, {"value", 3}});
  CHECK(c.type == OpType::Ok);
  CHECK(c.value == 3);
  c = MaelstromClient::answer("lin-kv", read, {{"type", "error"}, {"code", 20}});
  CHECK(c.type == OpType::Ok);
  CHECK(c.value.is_null());
  OpSpec cas{"cas", Json::array({1, 2}), Json(1)};
  CHECK(MaelstromClient::answer("lin-kv", cas, {{"type", "error"}, {"code", 20}}).type == OpType::Fail);
  CHECK(MaelstromClient::answer("lin-kv", cas, {{"type", "cas_ok"}}).type == OpType::Ok);
  c = MaelstromClient::answer("broadcast", {"read", nullptr, std::nullopt}, {{"type", "read_ok"}, {"messages", {1, 2}}});
  CHECK(c.value == Json::array({1, 2}));
  // An answer of the wrong type or without its field: the node did something, we cannot tell what.
  CHECK(MaelstromClient::answer("g-counter", {"read", nullptr, std::nullopt}, {{"type", "read_ok"}}).type == OpType::Info);
  CHECK(MaelstromClient::answer("g-counter", {"add", 1, std::nullopt}, {{"type", "read_ok"}}).type == OpType::Info);
}
