// The checkers of Maelstrom's workloads — broadcast, g-counter, pn-counter,
// echo — on
// small hand-made histories: final reads after the last fault and write are
// judged on every node; reads during the run may lag.
#include <catch2/catch.hpp>

#include "checkers/registry.h"
#include "history/error.h"
#include "tests/checkers/online_agreement.h"

using namespace fl;

namespace {

struct MaelstromHistory {
  std::vector<Op> ops;
  void add(std::int64_t process, OpType t, const char* f, Json v, const char* node = "") {
    Op o;
    o.process = process;
    o.type = t;
    o.f = f;
    o.value = std::move(v);
    o.node = node;
    o.line = static_cast<std::int64_t>(ops.size()) + 1;
    o.time = o.line * 1000000;
    ops.push_back(std::move(o));
  }
  // An op invoked and completed at once.
  void op(std::int64_t process, OpType t, const char* f, Json in, Json out, const char* node = "") {
    add(process, OpType::Invoke, f, std::move(in), node);
    add(process, t, f, std::move(out), node);
  }
  void nemesis(const char* f) { add(kNemesis, OpType::Info, f, nullptr); }
  // The verdict offline; a checker with an online form must give the same fed op by op.
  std::string verdict(const char* checker) const {
    const Checker& c = *find_checker(checker);
    if (c.online({})) test::require_online_agrees(c, History(ops, "test.jsonl"));
    CheckResult r = c.check(History(ops, "test.jsonl"), CheckOptions{});
    return r.valid == Validity::Valid ? "valid" : r.valid == Validity::Invalid ? "invalid" : "unknown";
  }
};

}  // namespace

TEST_CASE("broadcast: every node's final read must hold every acknowledged value", "[checkers]") {
  MaelstromHistory b;
  b.op(0, OpType::Ok, "add", 1, 1, "n1");
  b.nemesis("start-partition");
  b.op(1, OpType::Ok, "add", 2, 2, "n2");
  b.op(2, OpType::Info, "add", 3, nullptr, "n3");
  b.op(0, OpType::Ok, "read", nullptr, Json::array({1}), "n1");  // during the partition: may lag
  b.nemesis("stop-partition");
  b.op(10, OpType::Ok, "read", nullptr, Json::array({1, 2, 3}), "n1");
  b.op(11, OpType::Ok, "read", nullptr, Json::array({1, 2}), "n2");
  MaelstromHistory good = b;
  CHECK(good.verdict("broadcast") == "valid");
  b.op(12, OpType::Ok, "read", nullptr, Json::array({1}), "n3");
  CHECK(b.verdict("broadcast") == "invalid");  // n3 never got 2
  MaelstromHistory odd = good;
  odd.op(12, OpType::Ok, "read", nullptr, Json::array({1, 2, 9}), "n3");
  CHECK(odd.verdict("broadcast") == "invalid");  // 9 was never broadcast
}

TEST_CASE("broadcast: without a read after the last broadcast and heal there is nothing to judge", "[checkers]") {
  MaelstromHistory b;
  b.op(0, OpType::Ok, "read", nullptr, Json::array(), "n1");
  b.op(0, OpType::Ok, "add", 1, 1, "n1");
  b.nemesis("stop-partition");
  CHECK(b.verdict("broadcast") == "unknown");
}

TEST_CASE("g-counter: final reads between acknowledged and attempted adds, while lagging reads mid-run are fine", "[checkers]") {
  MaelstromHistory b;
  b.op(0, OpType::Ok, "add", 2, 2, "n1");
  b.op(1, OpType::Info, "add", 3, nullptr, "n2");
  b.op(2, OpType::Fail, "add", 4, nullptr, "n3");
  b.op(0, OpType::Ok, "read", nullptr, 0, "n1");  // lags: fine
  b.nemesis("stop-partition");
  b.op(10, OpType::Ok, "read", nullptr, 2, "n1");
  b.op(11, OpType::Ok, "read", nullptr, 5, "n2");
  CHECK(b.verdict("g-counter") == "valid");
  MaelstromHistory low = b, high = b;
  low.op(12, OpType::Ok, "read", nullptr, 1, "n3");
  CHECK(low.verdict("g-counter") == "invalid");
  high.op(12, OpType::Ok, "read", nullptr, 9, "n3");  // counts the failed add
  CHECK(high.verdict("g-counter") == "invalid");
}

TEST_CASE("pn-counter: a maybe-happened decrement lowers the floor, a maybe-happened increment raises the ceiling",
          "[checkers]") {
  MaelstromHistory b;
  b.op(0, OpType::Ok, "add", 5, 5, "n1");
  b.op(1, OpType::Ok, "add", -2, -2, "n2");
  b.op(2, OpType::Info, "add", -3, nullptr, "n3");
  b.op(0, OpType::Info, "add", 4, nullptr, "n1");
  b.op(1, OpType::Fail, "add", 100, nullptr, "n2");
  b.op(0, OpType::Ok, "read", nullptr, 50, "n1");  // mid-run: not judged
  b.nemesis("stop-partition");
  // Between 5 - 2 - 3 = 0 and 5 - 2 + 4 = 7.
  b.op(10, OpType::Ok, "read", nullptr, 0, "n1");
  b.op(11, OpType::Ok, "read", nullptr, 7, "n2");
  CHECK(b.verdict("pn-counter") == "valid");
  MaelstromHistory low = b, high = b;
  low.op(12, OpType::Ok, "read", nullptr, -1, "n3");
  CHECK(low.verdict("pn-counter") == "invalid");
  high.op(12, OpType::Ok, "read", nullptr, 8, "n3");
  CHECK(high.verdict("pn-counter") == "invalid");
  // g-counter refuses what pn-counter takes.
  CHECK_THROWS_AS(b.verdict("g-counter"), BadInput);
}

TEST_CASE("echo: an acknowledged echo must return what it sent", "[checkers]") {
  MaelstromHistory b;
  b.op(0, OpType::Ok, "echo", "a", "a");
  b.op(1, OpType::Info, "echo", "b", nullptr);
  CHECK(b.verdict("echo") == "valid");
  b.op(2, OpType::Ok, "echo", "c", "d");
  CHECK(b.verdict("echo") == "invalid");
}
