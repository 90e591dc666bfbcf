// What Elle reports, we report: one hand-made history per rule, each with the
// argument for its verdict. A read of an element or value no transaction
// wrote (garbage-read); an info transaction's write that a read saw (a real
// wr edge) or that nobody saw (no edge out of it); a value written twice
// (refused: the inference would be unsound); the initial state, known for
// faultline's own runs and assumed possible for a history from elsewhere.
#include <catch2/catch.hpp>

#include <sstream>

#include "checkers/registry.h"
#include "history/error.h"
#include "history/jsonl.h"

namespace fl::test::txn_elle_rules {
namespace {

History jsonl(const std::string& text) {
  std::istringstream in(text);
  return read_jsonl(in, "h.jsonl");
}

CheckResult check(const char* checker, const std::string& text, Json params = Json::object(),
                  std::optional<Json> init = std::nullopt) {
  CheckOptions opts;
  opts.params = std::move(params);
  opts.init = std::move(init);
  return find_checker(checker)->check(jsonl(text), opts);
}

std::vector<std::string> types(const CheckResult& r) {
  std::vector<std::string> out;
  for (const Json& t : r.detail["anomaly-types"]) out.push_back(t.get<std::string>());
  return out;
}

// The BadInput's sentence, or "" when the check did not throw one.
std::string refusal(const char* checker, const std::string& text) {
  try {
    check(checker, text);
  } catch (const BadInput& e) {
    return e.what();
  }
  return "";
}

}  // namespace

// list-append, T1 appends 1 to key 1; T2 reads [1 99]. Every list starts
// empty and each element is appended once, by the transaction that names
// it, so some transaction must have appended 99 for any read to hold it; no
// transaction of any outcome did. No execution of these transactions gives
// [1 99]: the read came out of thin air, which no consistency model allows
// (Elle's README calls it a garbage read). Elle's list-append finds no writer
// for 99, links nothing and says nothing; we say it.
TEST_CASE("list-append: an element no transaction appended is a garbage-read, which every model forbids") {
  // (T2 also reads key 2, which T1 appended to: a wr edge, so that the
  // graph is not empty when no model asks for real-time order.)
  const std::string h = R"({"process":0,"type":"invoke","f":"txn","value":[["append",1,1],["append",2,5]]}
{"process":0,"type":"ok","f":"txn","value":[["append",1,1],["append",2,5]]}
{"process":1,"type":"invoke","f":"txn","value":[["r",1,null],["r",2,null]]}
{"process":1,"type":"ok","f":"txn","value":[["r",1,[1,99]],["r",2,[5]]]})";
  for (const char* model : {"strict-serializable", "read-uncommitted"}) {
    CheckResult r = check("txn-list-append", h, {{"consistency-models", model}});
    INFO(model << "\n" << r.summary);
    CHECK(r.valid == Validity::Invalid);
    CHECK(types(r) == std::vector<std::string>{"garbage-read"});
    REQUIRE(r.detail["anomalies"].size() == 1);
    CHECK(r.detail["anomalies"][0]["ops"] == Json::array({3}));
    CHECK_THAT(r.detail["anomalies"][0]["explanation"].get<std::string>(),
               Catch::Contains("99") && Catch::Contains("no transaction appended"));
  }
}

// The same read, but 99 was appended by a transaction that failed: the read
// saw an aborted write — G1a, Elle's aborted read, not a garbage-read. And by
// one whose outcome is unknown (info): it may have committed, and the read
// shows it did; nothing is wrong.
TEST_CASE("list-append: an element a failed transaction appended is G1a, one an info transaction appended is fine") {
  const std::string head = R"({"process":0,"type":"invoke","f":"txn","value":[["append",1,1]]}
{"process":0,"type":"ok","f":"txn","value":[["append",1,1]]}
{"process":2,"type":"invoke","f":"txn","value":[["append",1,99]]}
)";
  const std::string tail = R"(
{"process":1,"type":"invoke","f":"txn","value":[["r",1,null]]}
{"process":1,"type":"ok","f":"txn","value":[["r",1,[1,99]]]})";
  CheckResult failed = check("txn-list-append",
                             head + R"({"process":2,"type":"fail","f":"txn","value":[["append",1,99]]})" + tail);
  CHECK(failed.valid == Validity::Invalid);
  CHECK(types(failed) == std::vector<std::string>{"G1a"});
  CheckResult info = check("txn-list-append",
                           head + R"({"process":2,"type":"info","f":"txn","value":[["append",1,99]]})" + tail);
  INFO(info.summary);
  CHECK(info.valid == Validity::Valid);
}

// rw-register, T1 (info: its outcome unknown) writes x = 1 and y = 1; T2
// reads x = 1 and y = nil. Writes are unique, so T2's x = 1 is T1's: T1 did
// commit, and before T2 (wr). T2's y = nil is the state before T1's y = 1
// (nil precedes every written value), so T2 precedes T1 (rw). Each must come
// before the other: a G-single-item cycle (read skew), which every model
// from snapshot isolation up forbids. Elle indexes only ok transactions'
// writes, so it finds no wr edge here and answers that it cannot tell.
TEST_CASE("rw-register: a read of an info transaction's write is a wr edge that can close a cycle") {
  const std::string h = R"({"process":0,"type":"invoke","f":"txn","value":[["w","x",1],["w","y",1]]}
{"process":1,"type":"invoke","f":"txn","value":[["r","x",null],["r","y",null]]}
{"process":1,"type":"ok","f":"txn","value":[["r","x",1],["r","y",null]]}
{"process":0,"type":"info","f":"txn","value":[["w","x",1],["w","y",1]]})";
  CheckResult r = check("txn-rw-register", h);
  INFO(r.summary);
  CHECK(r.valid == Validity::Invalid);
  CHECK(types(r) == std::vector<std::string>{"G-single-item"});
  const Json& cycle = r.detail["anomalies"][0]["cycle"];
  REQUIRE(cycle.size() == 2);
  const Json& wr = cycle[0]["type"] == "wr" ? cycle[0] : cycle[1];
  const Json& rw = cycle[0]["type"] == "wr" ? cycle[1] : cycle[0];
  CHECK(wr["type"] == "wr");
  CHECK(wr["from"] == 3);  // T1, named by its info completion
  CHECK(rw["type"] == "rw");
}

// T1 (info) writes x = 1 and completes — timed out — before T2 begins; T2
// reads x = nil. Had T1 committed before T2, T2 could not read nil; but
// nothing shows T1 committed at all, and an unknown outcome may be "never".
// So T2 precedes T1's write (rw), and T1 precedes nothing: no cycle, valid.
// (An info transaction is no source of real-time or process order, and its
// write is the earlier version of a key only when a read saw it.)
TEST_CASE("rw-register: an info transaction's write nobody saw puts it after its readers, never before anything") {
  const std::string h = R"({"process":0,"type":"invoke","f":"txn","value":[["w","x",1]]}
{"process":0,"type":"info","f":"txn","value":[["w","x",1]]}
{"process":1,"type":"invoke","f":"txn","value":[["r","x",null]]}
{"process":1,"type":"ok","f":"txn","value":[["r","x",null]]})";
  for (Json params : {Json::object(), Json{{"linearizable-keys", true}}}) {
    CheckResult r = check("txn-rw-register", h, params, Json::object());
    INFO(params.dump() << "\n" << r.summary);
    CHECK(r.valid == Validity::Valid);
    CHECK(r.detail["edges"] == 1);  // T2 -rw-> T1
  }
}

// T1 and T2 both write x = 1; T3 reads x = 1. Which write T3 saw is unknown,
// so the wr edge could start at either; and any version-order edge out of
// or into "x = 1" would link both writers, though only one of the two
// versions sits there. Any answer built on that is unsound, so the history
// is refused, naming both writers — as Elle refuses a read of such a value.
// We refuse it even when no read shows the value (T3 absent): the version
// order's edges through it are just as ambiguous, and a failed and an ok
// writer of one value make a read of it a G1a or not, no one can say.
TEST_CASE("rw-register: a value written by two transactions is refused, read or not, naming both") {
  const std::string two_writes = R"({"process":0,"type":"invoke","f":"txn","value":[["w","x",1]]}
{"process":0,"type":"ok","f":"txn","value":[["w","x",1]]}
{"process":1,"type":"invoke","f":"txn","value":[["r","x",null],["w","x",1]]}
{"process":1,"type":"ok","f":"txn","value":[["r","x",null],["w","x",1]]})";
  std::string what = refusal("txn-rw-register", two_writes);
  CHECK_THAT(what, Catch::Contains("h.jsonl:4") && Catch::Contains("ops 1 and 3") &&
                       Catch::Contains("unique writes"));
  what = refusal("txn-rw-register", two_writes + R"(
{"process":2,"type":"invoke","f":"txn","value":[["r","x",null]]}
{"process":2,"type":"ok","f":"txn","value":[["r","x",1]]})");
  CHECK_THAT(what, Catch::Contains("unique writes"));
  // One failed, one ok: still refused.
  what = refusal("txn-rw-register", R"({"process":0,"type":"invoke","f":"txn","value":[["w","x",1]]}
{"process":0,"type":"fail","f":"txn","value":[["w","x",1]]}
{"process":1,"type":"invoke","f":"txn","value":[["w","x",1]]}
{"process":1,"type":"ok","f":"txn","value":[["w","x",1]]})");
  CHECK_THAT(what, Catch::Contains("unique writes"));
  // One transaction writing a value twice is no ambiguity.
  CHECK(refusal("txn-rw-register", R"({"process":0,"type":"invoke","f":"txn","value":[["w","x",1],["w","x",1]]}
{"process":0,"type":"ok","f":"txn","value":[["w","x",1],["w","x",1]]})") == "");
}

// T1 writes x = 1; T2 reads x = 1 and y = 5; nobody writes y. Where the
// initial state is known to be empty — faultline's own runs start from an
// empty store with fresh keys, and `check --init '{}'` says so — y = 5 is a
// state no write produced: a garbage-read, which no model allows. For a
// history from elsewhere (no --init), y may have held 5 before the history
// began, as Elle assumes ("probably an initial state"): no anomaly, and the
// verdict is Elle's.
TEST_CASE("rw-register: a value nobody wrote is a garbage-read where the initial state is known, else maybe initial") {
  const std::string h = R"({"process":0,"type":"invoke","f":"txn","value":[["w","x",1]]}
{"process":0,"type":"ok","f":"txn","value":[["w","x",1]]}
{"process":1,"type":"invoke","f":"txn","value":[["r","x",null],["r","y",null]]}
{"process":1,"type":"ok","f":"txn","value":[["r","x",1],["r","y",5]]})";
  CheckResult unknown_start = check("txn-rw-register", h);
  CHECK(unknown_start.valid == Validity::Valid);
  CHECK(unknown_start.detail["initial-state"] == "unknown");
  for (const char* model : {"strict-serializable", "read-uncommitted"}) {
    CheckResult r = check("txn-rw-register", h, {{"consistency-models", model}}, Json::object());
    INFO(r.summary);
    CHECK(r.valid == Validity::Invalid);
    CHECK(types(r) == std::vector<std::string>{"garbage-read"});
    CHECK(r.detail["anomalies"][0]["ops"] == Json::array({3}));
    CHECK(r.detail["initial-state"] == "empty");
  }
  // {"y": null} says the same; an initial value other than absent is not
  // something the checker can start a version order from: a usage error.
  CHECK(check("txn-rw-register", h, Json::object(), Json{{"y", nullptr}}).valid == Validity::Invalid);
  CHECK_THROWS_AS(check("txn-rw-register", h, Json::object(), Json{{"y", 5}}), std::invalid_argument);
  CHECK_THROWS_AS(check("txn-list-append", "", Json::object(), Json(0)), std::invalid_argument);
}

// A read of nil with the initial state known is a read of the initial
// state, and a read of a failed write stays G1a (not garbage-read).
TEST_CASE("rw-register with the initial state known: nil is the initial state, a failed write read is G1a") {
  const std::string h = R"({"process":0,"type":"invoke","f":"txn","value":[["w","x",1]]}
{"process":0,"type":"fail","f":"txn","value":[["w","x",1]]}
{"process":1,"type":"invoke","f":"txn","value":[["r","x",null],["r","y",null],["w","y",2]]}
{"process":1,"type":"ok","f":"txn","value":[["r","x",1],["r","y",null],["w","y",2]]})";
  CheckResult r = check("txn-rw-register", h, Json::object(), Json::object());
  INFO(r.summary);
  CHECK(r.valid == Validity::Invalid);
  // No edge between the two (a failed txn has none): Elle says so as well.
  CHECK(types(r) == std::vector<std::string>{"G1a", "empty-transaction-graph"});
}

}  // namespace fl::test::txn_elle_rules
