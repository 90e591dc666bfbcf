// Promises of the linearizability checker beyond its verdicts: the
// counterexample names the ops and draws a timeline, bad input names its
// line, unknown models are refused, and budgets end in unknown, never a guess.
#include <catch2/catch.hpp>

#include "checkers/registry.h"
#include "history/error.h"
#include "linear_support.h"

namespace fl::test {
namespace {

const Checker& linearizable() { return *find_checker("linearizable"); }

CheckOptions model(const std::string& name, std::optional<Json> init = std::nullopt) {
  CheckOptions o;
  o.model = name;
  o.init = std::move(init);
  o.threads = 1;
  return o;
}

// n concurrent writers of distinct values, then two reads in a row that see
// different values with nothing written between them. Neither refutation
// sees it (each read has its writer overlapping the last write), so only an
// exhaustive search of the writers' orders (2^n sets) can say no.
History hopeless(int writers) {
  std::vector<Op> ops;
  for (int p = 0; p < writers; ++p) ops.push_back(event(p, OpType::Invoke, "write", 1 + p));
  for (int p = 0; p < writers; ++p) ops.push_back(event(p, OpType::Ok, "write", 1 + p));
  ops.push_back(event(1000, OpType::Invoke, "read", nullptr));
  ops.push_back(event(1000, OpType::Ok, "read", 1));
  ops.push_back(event(1001, OpType::Invoke, "read", nullptr));
  ops.push_back(event(1001, OpType::Ok, "read", 2));
  return history_of(ops);
}

}  // namespace

TEST_CASE("a stale read is reported with its ops, the prefix, the failing op and a timeline", "[linear]") {
  const History h = history_of({
      event(0, OpType::Invoke, "write", 1), event(0, OpType::Ok, "write", 1),
      event(1, OpType::Invoke, "write", 2), event(2, OpType::Invoke, "read", nullptr),
      event(1, OpType::Ok, "write", 2), event(3, OpType::Invoke, "read", nullptr),
      event(2, OpType::Ok, "read", 1), event(4, OpType::Invoke, "write", 3),
      event(3, OpType::Ok, "read", 1), event(4, OpType::Ok, "write", 3),
  });
  const CheckResult r = linearizable().check(h, model("register"));
  REQUIRE(r.valid == Validity::Invalid);
  const Json& a = r.detail["anomalies"][0];
  CHECK(a["kind"] == "not-linearizable");
  CHECK(a["failed_op"] == 5);  // process 3's read began after write 2 returned
  CHECK(a["linearized_prefix_tail"] == Json::array({0, 2}));
  CHECK_FALSE(a["ops"].empty());
  CHECK(r.summary.find("process 3") != std::string::npos);
  CHECK(r.summary.find("|--") != std::string::npos);
  CHECK(r.summary.find("X read 1") != std::string::npos);
}

TEST_CASE("an op that does not fit the model is bad input naming its line", "[linear]") {
  const History h = history_of({event(0, OpType::Invoke, "acquire", nullptr), event(0, OpType::Ok, "acquire", nullptr),
                                event(1, OpType::Invoke, "cas", Json::array({1, 2}))});
  try {
    linearizable().check(h, model("mutex"));
    FAIL("no BadInput");
  } catch (const BadInput& e) {
    CHECK(e.line() == 3);
    CHECK(std::string(e.what()).find("cas") != std::string::npos);
  }
  const History wrong_type = history_of({event(0, OpType::Invoke, "write", Json::array({1, 2}))});
  CHECK_THROWS_AS(linearizable().check(wrong_type, model("register")), BadInput);
}

TEST_CASE("an unknown model is refused with the list of models", "[linear]") {
  const History h = history_of({});
  try {
    linearizable().check(h, model("teapot"));
    FAIL("no error");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()).find("cas-register") != std::string::npos);
  }
}

TEST_CASE("a search that runs out of time or memory answers unknown with the reason", "[linear]") {
  const History h = hopeless(18);
  CheckOptions timed = model("cas-register", 0);
  timed.time_limit_s = 1e-6;
  const CheckResult t = linearizable().check(h, timed);
  CHECK(t.valid == Validity::Unknown);
  CHECK(t.detail["reason"].get<std::string>().find("time") != std::string::npos);
  CheckOptions small = model("cas-register", 0);
  small.memory_limit_mb = 1;
  const CheckResult m = linearizable().check(h, small);
  CHECK(m.valid == Validity::Unknown);
  CHECK(m.detail["reason"].get<std::string>().find("memory") != std::string::npos);
}

TEST_CASE("independent keys are checked apart and one bad key makes the history invalid", "[linear]") {
  std::vector<Op> ops;
  for (int k = 0; k < 6; ++k) {
    ops.push_back(event(k, OpType::Invoke, "put", "a", Json(std::to_string(k))));
    ops.push_back(event(k, OpType::Ok, "put", "a", Json(std::to_string(k))));
    ops.push_back(event(k, OpType::Invoke, "get", nullptr, Json(std::to_string(k))));
    ops.push_back(event(k, OpType::Ok, "get", k == 4 ? "b" : "a", Json(std::to_string(k))));
  }
  CheckOptions o = model("kv", "");
  o.threads = 2;
  const CheckResult r = linearizable().check(history_of(ops), o);
  CHECK(r.valid == Validity::Invalid);
  CHECK(r.detail["partitions"] == 6);
  CHECK(r.detail["anomalies"][0]["key"] == "4");
}

TEST_CASE("a fifo dequeue whose result is unknown may have taken the head", "[linear]") {
  // enqueue 1; a dequeue times out (it took 1); enqueue 2; dequeue -> 2.
  // Linearizable — Knossos's reading (an unknown dequeue as a dequeue of
  // null) would call it invalid.
  const History h = history_of({
      event(0, OpType::Invoke, "enqueue", 1), event(0, OpType::Ok, "enqueue", 1),
      event(1, OpType::Invoke, "dequeue", nullptr), event(1, OpType::Info, "dequeue", nullptr),
      event(2, OpType::Invoke, "enqueue", 2), event(2, OpType::Ok, "enqueue", 2),
      event(3, OpType::Invoke, "dequeue", nullptr), event(3, OpType::Ok, "dequeue", 2),
  });
  CHECK(linearizable().check(h, model("fifo-queue")).valid == Validity::Valid);
  // Without the unknown dequeue, 2 cannot come out before 1.
  const History bad = history_of({
      event(0, OpType::Invoke, "enqueue", 1), event(0, OpType::Ok, "enqueue", 1),
      event(2, OpType::Invoke, "enqueue", 2), event(2, OpType::Ok, "enqueue", 2),
      event(3, OpType::Invoke, "dequeue", nullptr), event(3, OpType::Ok, "dequeue", 2),
  });
  CHECK(linearizable().check(bad, model("fifo-queue")).valid == Validity::Invalid);
}

TEST_CASE("an unordered dequeue whose result is unknown may have taken any pending element", "[linear]") {
  auto check = [](std::vector<Op> ops) { return linearizable().check(history_of(std::move(ops)), model("unordered-queue")).valid; };
  // enqueue 1; a dequeue times out (it took 1); dequeue -> null. Linearizable;
  // reading the unknown dequeue as a dequeue of null (Knossos) says invalid.
  CHECK(check({
            event(0, OpType::Invoke, "enqueue", 1), event(0, OpType::Ok, "enqueue", 1),
            event(1, OpType::Invoke, "dequeue", nullptr), event(1, OpType::Info, "dequeue", nullptr),
            event(2, OpType::Invoke, "dequeue", nullptr), event(2, OpType::Ok, "dequeue", nullptr),
        }) == Validity::Valid);
  // Which element it took is open until later ops decide: enqueue 1, 2; an
  // unknown dequeue; dequeue -> 2 (so it took 1); dequeue -> null.
  CHECK(check({
            event(0, OpType::Invoke, "enqueue", 1), event(0, OpType::Ok, "enqueue", 1),
            event(0, OpType::Invoke, "enqueue", 2), event(0, OpType::Ok, "enqueue", 2),
            event(1, OpType::Invoke, "dequeue", nullptr), event(1, OpType::Info, "dequeue", nullptr),
            event(2, OpType::Invoke, "dequeue", nullptr), event(2, OpType::Ok, "dequeue", 2),
            event(2, OpType::Invoke, "dequeue", nullptr), event(2, OpType::Ok, "dequeue", nullptr),
        }) == Validity::Valid);
  // But only an element that was there: enqueue 1; an unknown dequeue; dequeue
  // -> null (so it took 1); enqueue 2; dequeue -> 1 is not linearizable.
  CHECK(check({
            event(0, OpType::Invoke, "enqueue", 1), event(0, OpType::Ok, "enqueue", 1),
            event(1, OpType::Invoke, "dequeue", nullptr), event(1, OpType::Info, "dequeue", nullptr),
            event(2, OpType::Invoke, "dequeue", nullptr), event(2, OpType::Ok, "dequeue", nullptr),
            event(2, OpType::Invoke, "enqueue", 2), event(2, OpType::Ok, "enqueue", 2),
            event(2, OpType::Invoke, "dequeue", nullptr), event(2, OpType::Ok, "dequeue", 1),
        }) == Validity::Invalid);
  // And one element each: enqueue 1, 2; one unknown dequeue; dequeue -> null
  // is not linearizable, with a second unknown dequeue it is.
  std::vector<Op> one = {
      event(0, OpType::Invoke, "enqueue", 1), event(0, OpType::Ok, "enqueue", 1),
      event(0, OpType::Invoke, "enqueue", 2), event(0, OpType::Ok, "enqueue", 2),
      event(1, OpType::Invoke, "dequeue", nullptr), event(1, OpType::Info, "dequeue", nullptr),
  };
  std::vector<Op> two = one;
  two.push_back(event(3, OpType::Invoke, "dequeue", nullptr));
  two.push_back(event(3, OpType::Info, "dequeue", nullptr));
  for (auto* ops : {&one, &two}) {
    ops->push_back(event(2, OpType::Invoke, "dequeue", nullptr));
    ops->push_back(event(2, OpType::Ok, "dequeue", nullptr));
  }
  CHECK(check(one) == Validity::Invalid);
  CHECK(check(two) == Validity::Valid);
}

}  // namespace fl::test
