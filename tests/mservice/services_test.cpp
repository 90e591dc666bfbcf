// fl-mservice's services (fl-mservice/services.h): what each of seq-kv,
// lin-kv, lww-kv and lin-tso answers, driven with explicit times.
#include <catch2/catch.hpp>

#include "fl-mservice/services.h"

using namespace mservice;

namespace {

Json read(const Json& key) { return {{"type", "read"}, {"key", key}, {"msg_id", 1}}; }
Json write(const Json& key, const Json& value) { return {{"type", "write"}, {"key", key}, {"value", value}, {"msg_id", 2}}; }
Json cas(const Json& key, const Json& from, const Json& to, bool create = false) {
  Json b = {{"type", "cas"}, {"key", key}, {"from", from}, {"to", to}, {"msg_id", 3}};
  if (create) b["create_if_not_exists"] = true;
  return b;
}
std::string type_of(const Json& b) { return b.value("type", ""); }
int code_of(const Json& b) { return b.value("code", -1); }

}  // namespace

TEST_CASE("lin-kv: read, write and cas on one map, answering each request's msg_id", "[no-cluster]") {
  Services s({});
  Json r = *s.handle("n1", "lin-kv", read("x"), 0);
  CHECK(type_of(r) == "error");
  CHECK(code_of(r) == kKeyDoesNotExist);
  CHECK(r["in_reply_to"] == 1);
  CHECK(type_of(*s.handle("n1", "lin-kv", write("x", 1), 0)) == "write_ok");
  // Another node reads it at once: one store, applied in arrival order.
  r = *s.handle("n2", "lin-kv", read("x"), 0);
  CHECK(type_of(r) == "read_ok");
  CHECK(r["value"] == 1);
  r = *s.handle("n2", "lin-kv", cas("x", 5, 6), 0);
  CHECK(code_of(r) == kPreconditionFailed);
  CHECK(type_of(*s.handle("n3", "lin-kv", cas("x", 1, 2), 0)) == "cas_ok");
  CHECK((*s.handle("n1", "lin-kv", read("x"), 0))["value"] == 2);
  CHECK(code_of(*s.handle("n1", "lin-kv", cas("y", 0, 1), 0)) == kKeyDoesNotExist);
  CHECK(type_of(*s.handle("n1", "lin-kv", cas("y", 0, 1, true), 0)) == "cas_ok");
  CHECK((*s.handle("n1", "lin-kv", read("y"), 0))["value"] == 1);
  // Keys are JSON values: the number 1 and the string "1" are two keys.
  s.handle("n1", "lin-kv", write(1, "number"), 0);
  s.handle("n1", "lin-kv", write("1", "string"), 0);
  CHECK((*s.handle("n1", "lin-kv", read(1), 0))["value"] == "number");
}

TEST_CASE("the services say what they do not understand, and answer no answers", "[no-cluster]") {
  Services s({});
  CHECK(code_of(*s.handle("n1", "lin-kv", {{"type", "delete"}, {"key", "x"}, {"msg_id", 1}}, 0)) == kNotSupported);
  CHECK(code_of(*s.handle("n1", "seq-kv", {{"type", "write"}, {"key", "x"}, {"msg_id", 1}}, 0)) == kMalformed);
  CHECK(code_of(*s.handle("n1", "lin-tso", read("x"), 0)) == kNotSupported);
  CHECK_FALSE(s.handle("n1", "lin-kv", {{"type", "read_ok"}, {"in_reply_to", 4}}, 0));
  CHECK_FALSE(s.handle("n1", "n2", read("x"), 0));
  CHECK(is_service("seq-kv"));
  CHECK_FALSE(is_service("n1"));
}

TEST_CASE("lin-tso: every timestamp larger than every earlier one", "[no-cluster]") {
  Services s({});
  std::int64_t last = 0;
  for (int i = 0; i < 100; ++i) {
    Json r = *s.handle(i % 2 ? "n1" : "n2", "lin-tso", {{"type", "ts"}, {"msg_id", i}}, 0);
    REQUIRE(type_of(r) == "ts_ok");
    CHECK(r["ts"].get<std::int64_t>() > last);
    CHECK(r["in_reply_to"] == i);
    last = r["ts"].get<std::int64_t>();
  }
  CHECK(s.requests().at("lin-tso") == 100);
}

TEST_CASE("seq-kv: another client's write shows only after the lag, one's own at once", "[no-cluster]") {
  SeqKv kv(500);
  CHECK(type_of(kv.handle("n1", write("x", 1), 1000)) == "write_ok");
  // n1 reads its own write; n2, which has seen nothing newer, reads the replica.
  CHECK(kv.handle("n1", read("x"), 1001)["value"] == 1);
  CHECK(code_of(kv.handle("n2", read("x"), 1001)) == kKeyDoesNotExist);
  CHECK(kv.handle("n2", read("x"), 1500)["value"] == 1);
  kv.handle("n1", write("x", 2), 2000);
  CHECK(kv.handle("n2", read("x"), 2100)["value"] == 1);  // stale
  // An update of n2's own moves it to the newest state, so it reads 2 after.
  kv.handle("n2", write("other", 0), 2200);
  CHECK(kv.handle("n2", read("x"), 2201)["value"] == 2);
}

TEST_CASE("seq-kv: a client never reads an older state than one it saw", "[no-cluster]") {
  SeqKv kv(500);
  kv.handle("n1", write("x", 1), 0);
  kv.handle("n1", write("x", 2), 400);
  kv.handle("n1", write("x", 3), 800);
  // At 1000 the replica holds x = 2 (the write at 400); n2 sees it, then
  // stays at least there, and moves on as the replica does.
  CHECK(kv.handle("n2", read("x"), 1000)["value"] == 2);
  CHECK(kv.handle("n2", read("x"), 1001)["value"] == 2);
  CHECK(kv.handle("n2", read("x"), 1300)["value"] == 3);
  // A cas runs on the newest state, whatever the client last read.
  CHECK(code_of(kv.handle("n3", cas("x", 1, 9), 1301)) == kPreconditionFailed);
  CHECK(type_of(kv.handle("n3", cas("x", 3, 4), 1302)) == "cas_ok");
  CHECK(kv.handle("n3", read("x"), 1303)["value"] == 4);
}

TEST_CASE("seq-kv: a counter that reads then writes loses another client's increment, and cas does not", "[no-cluster]") {
  SeqKv kv(500);
  kv.handle("n1", write("c", 0), 0);
  kv.handle("n2", write("c", 0), 1);
  // n1 adds 1 by read-then-write; n2 reads the replica (still 0) soon after
  // and writes 0 + 5 over it.
  std::int64_t seen = kv.handle("n1", read("c"), 1000)["value"];
  kv.handle("n1", write("c", seen + 1), 1001);
  seen = kv.handle("n2", read("c"), 1100)["value"];
  CHECK(seen == 0);
  kv.handle("n2", write("c", seen + 5), 1101);
  CHECK(kv.handle("n3", read("c"), 5000)["value"] == 5);  // n1's 1 is lost
  // With cas the stale value fails the precondition, and a retry reads the
  // newest state (its cas moved the client there).
  SeqKv kv2(500);
  kv2.handle("n1", write("c", 0), 0);
  kv2.handle("n1", cas("c", 0, 1), 1000);
  seen = kv2.handle("n2", read("c"), 1100)["value"];
  CHECK(code_of(kv2.handle("n2", cas("c", seen, seen + 5), 1101)) == kPreconditionFailed);
  seen = kv2.handle("n2", read("c"), 1102)["value"];
  CHECK(type_of(kv2.handle("n2", cas("c", seen, seen + 5), 1103)) == "cas_ok");
  CHECK(kv2.handle("n3", read("c"), 5000)["value"] == 6);
}

TEST_CASE("seq-kv: old versions are dropped, and reads stay right", "[no-cluster]") {
  SeqKv kv(100);
  for (int i = 0; i < 1000; ++i) kv.handle("n1", write("x", i), i * 10);
  CHECK(kv.handle("n2", read("x"), 9990)["value"] == 989);
  CHECK(kv.handle("n2", read("x"), 20000)["value"] == 999);
}

TEST_CASE("lww-kv: replicas answer from their own copies and converge once writes stop", "[no-cluster]") {
  LwwKv kv(5, 100, 0, 7);
  kv.tick(0);
  kv.handle(write("x", 1), 10);
  // Some replica has x, some do not: reads right after vary.
  int found = 0, missing = 0;
  for (int i = 0; i < 50; ++i) {
    Json r = kv.handle(read("x"), 11);
    (type_of(r) == "read_ok" ? found : missing)++;
  }
  CHECK(found > 0);
  CHECK(missing > 0);
  // After a ring of gossip rounds every replica holds it.
  for (std::int64_t t = 100; t <= 600; t += 100) kv.tick(t);
  for (int i = 0; i < 50; ++i) CHECK(kv.handle(read("x"), 601)["value"] == 1);
}

TEST_CASE("lww-kv: of two concurrent writes the later stamp wins everywhere", "[no-cluster]") {
  LwwKv kv(3, 100, 0, 3);
  kv.tick(0);
  kv.handle(write("x", "early"), 10);
  kv.handle(write("x", "late"), 20);
  for (std::int64_t t = 100; t <= 400; t += 100) kv.tick(t);
  for (int i = 0; i < 30; ++i) CHECK(kv.handle(read("x"), 401)["value"] == "late");
}
