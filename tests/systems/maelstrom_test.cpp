// The maelstrom system's client side without a cluster: Maelstrom's error
// codes as fail or info, each workload's ops as requests and answers, and
// a txn_ok mapped into the history the transactional checkers judge.
#include <catch2/catch.hpp>

#include "checkers/registry.h"
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
  CHECK(MaelstromClient::request("pn-counter", {"add", -3, std::nullopt}) == Json{{"type", "add"}, {"delta", -3}});
  CHECK(MaelstromClient::request("g-set", {"add", 7, std::nullopt}) == Json{{"type", "add"}, {"element", 7}});
  CHECK(MaelstromClient::request("g-set", {"read", nullptr, std::nullopt}) == Json{{"type", "read"}});
  CHECK(MaelstromClient::request("unique-ids", {"generate", nullptr, std::nullopt}) == Json{{"type", "generate"}});
}

TEST_CASE("a generate_ok's id, a g-set's and a pn-counter's read value become the op's value", "[no-cluster]") {
  OpSpec generate{"generate", nullptr, std::nullopt};
  Completion c = MaelstromClient::answer("unique-ids", generate, {{"type", "generate_ok"}, {"id", "n1-7"}});
  CHECK(c.type == OpType::Ok);
  CHECK(c.value == "n1-7");
  CHECK(MaelstromClient::answer("unique-ids", generate, {{"type", "generate_ok"}}).type == OpType::Info);
  OpSpec read{"read", nullptr, std::nullopt};
  CHECK(MaelstromClient::answer("g-set", read, {{"type", "read_ok"}, {"value", {1, 2}}}).value == Json::array({1, 2}));
  CHECK(MaelstromClient::answer("pn-counter", read, {{"type", "read_ok"}, {"value", -4}}).value == -4);
  CHECK(MaelstromClient::answer("g-set", {"add", 1, std::nullopt}, {{"type", "add_ok"}}).type == OpType::Ok);
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

TEST_CASE("a txn is sent as Maelstrom's txn request and its txn_ok must complete the request", "[no-cluster]") {
  Json txn = Json::array({Json::array({"r", 1, nullptr}), Json::array({"w", 1, 3})});
  OpSpec op{"txn", txn, std::nullopt};
  CHECK(MaelstromClient::request("txn-rw-register", op) == Json{{"type", "txn"}, {"txn", txn}});
  CHECK(MaelstromClient::request("txn-list-append", {"read", nullptr, std::nullopt}).is_null());

  Json done = Json::array({Json::array({"r", 1, 2}), Json::array({"w", 1, 3})});
  Completion c = MaelstromClient::answer("txn-rw-register", op, {{"type", "txn_ok"}, {"txn", done}});
  CHECK(c.type == OpType::Ok);
  CHECK(c.value == done);
  // A read the node never filled in stays null: the key's initial state.
  CHECK(MaelstromClient::answer("txn-rw-register", op, {{"type", "txn_ok"}, {"txn", txn}}).type == OpType::Ok);

  // txn_ok that is not this txn completed: the node did something, we cannot tell what.
  for (const Json& bad : {Json::array({Json::array({"r", 1, 2})}),
                          Json::array({Json::array({"r", 2, 2}), Json::array({"w", 1, 3})}),
                          Json::array({Json::array({"r", 1, 2}), Json::array({"w", 1, 4})}),
                          Json::array({Json::array({"r", 1, Json::array({2})}), Json::array({"w", 1, 3})})}) {
    c = MaelstromClient::answer("txn-rw-register", op, {{"type", "txn_ok"}, {"txn", bad}});
    CHECK(c.type == OpType::Info);
    CHECK(c.value == txn);  // what it tried, reads unknown
  }
  CHECK(MaelstromClient::answer("txn-rw-register", op, {{"type", "txn_ok"}}).type == OpType::Info);

  // Errors: txn-conflict certainly did not happen; crash may have.
  c = MaelstromClient::answer("txn-rw-register", op, {{"type", "error"}, {"code", 30}, {"text", "conflict"}});
  CHECK(c.type == OpType::Fail);
  CHECK(c.error == "txn-conflict: conflict");
  CHECK(c.value == txn);
  CHECK(MaelstromClient::answer("txn-rw-register", op, {{"type", "error"}, {"code", 13}}).type == OpType::Info);

  OpSpec append{"txn", Json::array({Json::array({"append", 4, 1}), Json::array({"r", 4, nullptr})}), std::nullopt};
  c = MaelstromClient::answer(
      "txn-list-append", append,
      {{"type", "txn_ok"}, {"txn", Json::array({Json::array({"append", 4, 1}), Json::array({"r", 4, Json::array({1})})})}});
  CHECK(c.type == OpType::Ok);
  CHECK(c.value[1][2] == Json::array({1}));
  c = MaelstromClient::answer(
      "txn-list-append", append,
      {{"type", "txn_ok"}, {"txn", Json::array({Json::array({"append", 4, 1}), Json::array({"r", 4, 1})})}});
  CHECK(c.type == OpType::Info);
}

TEST_CASE("two txns whose appends reach two key owners in opposite orders are a G0 for txn-list-append",
          "[no-cluster]") {
  // What examples/maelstrom/txn_sharded.py answers when T1 (on n1) and T2
  // (on n2) append to keys 0 and 1 at once and key 0's owner gets T1's
  // append first, key 1's owner T2's; a later txn reads both keys.
  std::vector<Op> ops;
  auto add = [&](std::int64_t process, OpType t, const Json& v) {
    Op o;
    o.process = process;
    o.type = t;
    o.f = "txn";
    o.value = v;
    o.line = static_cast<std::int64_t>(ops.size()) + 1;
    o.time = o.line * 1000000;
    ops.push_back(std::move(o));
  };
  auto ok = [](const char* workload, const Json& txn, Json done) {
    Completion c = MaelstromClient::answer(workload, {"txn", txn, std::nullopt}, {{"type", "txn_ok"}, {"txn", done}});
    REQUIRE(c.type == OpType::Ok);
    return c.value;
  };
  Json t1 = Json::array({Json::array({"append", 0, 1}), Json::array({"append", 1, 1})});
  Json t2 = Json::array({Json::array({"append", 1, 2}), Json::array({"append", 0, 2})});
  Json t3 = Json::array({Json::array({"r", 0, nullptr}), Json::array({"r", 1, nullptr})});
  add(0, OpType::Invoke, t1);
  add(1, OpType::Invoke, t2);
  add(0, OpType::Ok, ok("txn-list-append", t1, t1));
  add(1, OpType::Ok, ok("txn-list-append", t2, t2));
  add(2, OpType::Invoke, t3);
  add(2, OpType::Ok,
      ok("txn-list-append", t3,
         Json::array({Json::array({"r", 0, Json::array({1, 2})}), Json::array({"r", 1, Json::array({2, 1})})})));
  CheckResult r = find_checker("txn-list-append")->check(History(ops, "test.jsonl"), CheckOptions{});
  CHECK(r.valid == Validity::Invalid);
  CHECK(r.detail["anomaly-types"] == Json::array({"G0"}));
}

TEST_CASE("kafka's ops become send, poll, commit_offsets and list_committed_offsets, and their answers values",
          "[no-cluster]") {
  OpSpec send{"send", {{"key", "k1"}, {"msg", 7}}, std::nullopt};
  CHECK(MaelstromClient::request("kafka", send) == Json{{"type", "send"}, {"key", "k1"}, {"msg", 7}});
  OpSpec poll{"poll", {{"offsets", {{"k1", 3}}}}, std::nullopt};
  CHECK(MaelstromClient::request("kafka", poll) == Json{{"type", "poll"}, {"offsets", {{"k1", 3}}}});
  OpSpec commit{"commit_offsets", {{"offsets", {{"k1", 2}}}}, std::nullopt};
  CHECK(MaelstromClient::request("kafka", commit) == Json{{"type", "commit_offsets"}, {"offsets", {{"k1", 2}}}});
  OpSpec list{"list_committed_offsets", {{"keys", {"k1"}}}, std::nullopt};
  CHECK(MaelstromClient::request("kafka", list) == Json{{"type", "list_committed_offsets"}, {"keys", {"k1"}}});
  CHECK(MaelstromClient::request("kafka", {"read", nullptr, std::nullopt}).is_null());

  Completion c = MaelstromClient::answer("kafka", send, {{"type", "send_ok"}, {"offset", 4}});
  CHECK(c.type == OpType::Ok);
  CHECK(c.value == 4);
  CHECK(MaelstromClient::answer("kafka", send, {{"type", "send_ok"}}).type == OpType::Info);
  Json msgs = {{"k1", Json::array({Json::array({3, 7}), Json::array({5, 8})})}};
  c = MaelstromClient::answer("kafka", poll, {{"type", "poll_ok"}, {"msgs", msgs}});
  CHECK(c.type == OpType::Ok);
  CHECK(c.value == msgs);
  CHECK(MaelstromClient::answer("kafka", poll, {{"type", "poll_ok"}, {"msgs", {{"k1", Json::array({3})}}}}).type ==
        OpType::Info);
  CHECK(MaelstromClient::answer("kafka", commit, {{"type", "commit_offsets_ok"}}).type == OpType::Ok);
  c = MaelstromClient::answer("kafka", list, {{"type", "list_committed_offsets_ok"}, {"offsets", {{"k1", 2}}}});
  CHECK(c.type == OpType::Ok);
  CHECK(c.value == Json{{"k1", 2}});
  CHECK(MaelstromClient::answer("kafka", list, {{"type", "poll_ok"}, {"msgs", msgs}}).type == OpType::Info);
  CHECK(MaelstromClient::answer("kafka", send, {{"type", "error"}, {"code", 11}}).type == OpType::Fail);
}
