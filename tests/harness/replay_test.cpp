// Replaying a run's transactions (harness/replay.h) on a small hand-made
// list-append history with a G2-item cycle and its wire log: which
// transactions are chosen (the cycle, the writes it read or overwrote, then
// windows of time), the order of the statements (by their answers; a
// statement that waited on another connection is sent and collected later),
// the script's text, and a replay's output read back into a history the
// txn-list-append checker finds the same cycle in. Pure: no server.
#include <sstream>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "checkers/registry.h"
#include "harness/replay.h"
#include "history/error.h"
#include "history/format.h"

using namespace fl;

namespace {

constexpr std::int64_t ms = 1'000'000;

// T0 appends 1 to x (key 1); T1 (the pivot) reads x = [1] and appends 1 to
// y (key 2); T2 appends 2 to x; T3 reads x = [1 2] and y = []; T4 reads
// both later; T5 is far away. G2-item: T1 -rw-> T2 -wr-> T3 -rw-> T1.
History small_history() {
  std::string text = R"({"index":0,"time":0,"process":0,"type":"invoke","f":"txn","value":[["append",1,1]]}
{"index":1,"time":10000000,"process":0,"type":"ok","f":"txn","value":[["append",1,1]]}
{"index":2,"time":20000000,"process":1,"type":"invoke","f":"txn","value":[["r",1,null],["append",2,1]]}
{"index":3,"time":22000000,"process":2,"type":"invoke","f":"txn","value":[["append",1,2]]}
{"index":4,"time":30000000,"process":2,"type":"ok","f":"txn","value":[["append",1,2]]}
{"index":5,"time":32000000,"process":3,"type":"invoke","f":"txn","value":[["r",1,null],["r",2,null]]}
{"index":6,"time":38000000,"process":3,"type":"ok","f":"txn","value":[["r",1,[1,2]],["r",2,[]]]}
{"index":7,"time":40000000,"process":1,"type":"ok","f":"txn","value":[["r",1,[1]],["append",2,1]]}
{"index":8,"time":50000000,"process":0,"type":"invoke","f":"txn","value":[["r",1,null],["r",2,null]]}
{"index":9,"time":60000000,"process":0,"type":"ok","f":"txn","value":[["r",1,[1,2]],["r",2,[1]]]}
{"index":10,"time":5000000000,"process":4,"type":"invoke","f":"txn","value":[["append",3,1]]}
{"index":11,"time":5010000000,"process":4,"type":"ok","f":"txn","value":[["append",3,1]]}
)";
  std::istringstream in(text);
  return read_history(in, "small.jsonl", Format::Jsonl);
}

WireExchange ex(std::int64_t op, std::int64_t process, double sent_ms, double answered_ms, std::string sql,
                std::string answer) {
  WireExchange e;
  e.op = op;
  e.process = process;
  e.sent = static_cast<std::int64_t>(sent_ms * ms);
  e.answered = static_cast<std::int64_t>(answered_ms * ms);
  e.request = std::move(sql);
  e.answer = std::move(answer);
  return e;
}

const char* kBegin = "BEGIN ISOLATION LEVEL SERIALIZABLE";
std::string select_sql(int k) { return "SELECT v FROM fl_append WHERE k = '" + std::to_string(k) + "'"; }
std::string append_sql(int k, int v) {
  return "INSERT INTO fl_append AS t (k, v) VALUES ('" + std::to_string(k) + "', '" + std::to_string(v) +
         "') ON CONFLICT (k) DO UPDATE SET v = t.v || ',' || EXCLUDED.v";
}

// T1's COMMIT is sent at 25 ms and answered at 39.9 ms, after T2's and T3's
// statements were answered: it waited.
std::map<std::int64_t, std::vector<WireExchange>> small_wire() {
  std::map<std::int64_t, std::vector<WireExchange>> w;
  w[0] = {ex(0, 0, 1, 2, kBegin, "OK"), ex(0, 0, 3, 4, append_sql(1, 1), "OK"), ex(0, 0, 5, 6, "COMMIT", "OK")};
  w[2] = {ex(2, 1, 20.1, 20.2, kBegin, "OK"), ex(2, 1, 20.3, 20.5, select_sql(1), "OK 1"),
          ex(2, 1, 20.6, 21, append_sql(2, 1), "OK"), ex(2, 1, 25, 39.9, "COMMIT", "OK")};
  w[3] = {ex(3, 2, 22.1, 22.2, kBegin, "OK"), ex(3, 2, 23, 24, append_sql(1, 2), "OK"),
          ex(3, 2, 28, 29, "COMMIT", "OK")};
  w[5] = {ex(5, 3, 32.1, 32.2, kBegin, "OK"), ex(5, 3, 33, 34, select_sql(1), "OK 1,2"),
          ex(5, 3, 34.5, 35, select_sql(2), "OK"), ex(5, 3, 37, 37.5, "COMMIT", "OK")};
  w[8] = {ex(8, 0, 50.1, 50.2, kBegin, "OK"), ex(8, 0, 51, 52, select_sql(1), "OK 1,2"),
          ex(8, 0, 53, 54, select_sql(2), "OK 1"), ex(8, 0, 55, 56, "COMMIT", "OK")};
  w[10] = {ex(10, 4, 5000.1, 5000.2, kBegin, "OK"), ex(10, 4, 5001, 5002, append_sql(3, 1), "OK"),
           ex(10, 4, 5003, 5004, "COMMIT", "OK")};
  return w;
}

}  // namespace

TEST_CASE("the cycle's transactions and the writes they read or overwrote are chosen", "[no-cluster]") {
  History h = small_history();
  // The cycle as the checker names it: completion indices.
  std::set<std::int64_t> narrow = anomaly_transactions(h, {7, 4, 6});
  // T0: T1 read its 1 and T2 appended after it; T4: the first to read T1's
  // append to y (T3 is the first to read T2's).
  CHECK(narrow == std::set<std::int64_t>{0, 2, 3, 5, 8});
  const std::set<std::int64_t> cycle = {2, 3, 5};
  CHECK(transactions_within(h, cycle, 0) == cycle);  // T0 ends at 10 ms, T1 began at 20
  CHECK(transactions_within(h, cycle, 10 * ms) == std::set<std::int64_t>{0, 2, 3, 5, 8});
  CHECK(transactions_within(h, narrow, 1000 * ms) == narrow);
  CHECK(transactions_within(h, narrow, -1) == std::set<std::int64_t>{0, 2, 3, 5, 8, 10});
}

TEST_CASE("statements follow their answers, and one that waited is sent and collected later", "[no-cluster]") {
  History h = small_history();
  PlanOptions o;
  o.block_ns = 10 * ms;
  ReplayPlan plan = plan_replay(h, {0, 2, 3, 5}, small_wire(), o);
  CHECK(plan.ops == std::vector<std::int64_t>{0, 2, 3, 5});
  CHECK(plan.table == "fl_append");
  REQUIRE(plan.statements.size() == 14);
  REQUIRE(plan.blocked.size() == 1);
  const ReplayStatement& commit = plan.statements[plan.blocked[0]];
  CHECK(commit.sql == "COMMIT");
  CHECK(commit.process == 1);
  // The order the script follows: T0, T1's first three, then T1's COMMIT is
  // sent (25 ms), T2's COMMIT runs (29 ms), T3 runs, and T1's answer is
  // collected last (39.9 ms).
  std::vector<std::pair<ReplayStep::Kind, std::int64_t>> order;
  for (const ReplayStep& s : plan.steps) order.push_back({s.kind, plan.statements[s.statement].op});
  std::vector<std::pair<ReplayStep::Kind, std::int64_t>> want = {
      {ReplayStep::Run, 0},  {ReplayStep::Run, 0},  {ReplayStep::Run, 0},     {ReplayStep::Run, 2},
      {ReplayStep::Run, 2},  {ReplayStep::Run, 2},  {ReplayStep::Run, 3},     {ReplayStep::Run, 3},
      {ReplayStep::Send, 2}, {ReplayStep::Run, 3},  {ReplayStep::Run, 5},     {ReplayStep::Run, 5},
      {ReplayStep::Run, 5},  {ReplayStep::Run, 5},  {ReplayStep::Collect, 2}};
  CHECK(order == want);
  // Statement numbers follow the script's sends.
  for (std::size_t i = 1; i < plan.steps.size(); ++i)
    if (plan.steps[i].kind != ReplayStep::Collect && plan.steps[i - 1].kind != ReplayStep::Collect)
      CHECK(plan.steps[i].statement > plan.steps[i - 1].statement);

  // With the default threshold (20 ms) a 15 ms answer is no block.
  CHECK(plan_replay(h, {0, 2, 3, 5}, small_wire()).blocked.empty());
}

TEST_CASE("the script quotes statements for bash and notes what blocked", "[no-cluster]") {
  History h = small_history();
  PlanOptions o;
  o.block_ns = 10 * ms;
  ReplayPlan plan = plan_replay(h, {0, 2, 3, 5}, small_wire(), o);
  std::string s = replay_script(plan, {"a test replay", {"one note"}});
  CHECK(s.rfind("#!/usr/bin/env bash\n# a test replay\n# one note\n", 0) == 0);
  CHECK(s.find("CREATE TABLE fl_append (k BIGINT PRIMARY KEY, v TEXT NOT NULL)") != std::string::npos);
  CHECK(s.find("run 1 5 'SELECT v FROM fl_append WHERE k = '\\''1'\\'''") != std::string::npos);
  CHECK(s.find("# blocks:") != std::string::npos);
  CHECK(s.find("\nsend 1 ") != std::string::npos);
  CHECK(s.find("\nsettle 1 ") != std::string::npos);
  for (const char* c : {"connection 0\n", "connection 1\n", "connection 2\n", "connection 3\n"}) CHECK(s.find(c) != std::string::npos);
}

TEST_CASE("a replay's answers become a history with the same G2-item", "[no-cluster]") {
  History h = small_history();
  ReplayPlan plan = plan_replay(h, {0, 2, 3, 5, 8}, small_wire());
  // What psql answered, in the plan's order, as the script prints it.
  std::ostringstream out;
  double t = 1700000000.0;
  for (std::size_t i = 0; i < plan.statements.size(); ++i) {
    const std::string& sql = plan.statements[i].sql;
    std::string answer = sql.rfind("BEGIN", 0) == 0    ? "BEGIN"
                         : sql == "COMMIT"             ? "COMMIT"
                         : sql.rfind("INSERT", 0) == 0 ? "INSERT 0 1"
                                                       : plan.statements[i].answer.substr(std::min<std::size_t>(3, plan.statements[i].answer.size()));
    out << fmt::format("FL-ANSWER {} {:.6f} {:.6f} {}\n", i + 1, t, t + 0.0005, answer);
    t += 0.001;
  }
  ReplayHistory rh = replay_history(plan, h, out.str());
  CHECK(rh.unanswered == 0);
  REQUIRE(rh.history.size() == 10);
  const Checker* checker = find_checker("txn-list-append");
  REQUIRE(checker);
  CheckResult r = checker->check(rh.history, {});
  CHECK(r.valid == Validity::Invalid);
  bool g2 = false;
  for (const auto& a : r.detail["anomalies"])
    if (a["kind"] == "G2-item") {
      g2 = true;
      std::set<std::int64_t> origin;
      for (const auto& o : a["ops"]) origin.insert(rh.origin.at(o.get<std::int64_t>()));
      CHECK(origin == std::set<std::int64_t>{2, 3, 5});
    }
  CHECK(g2);

  SECTION("a refused COMMIT and a missing answer") {
    std::string text = out.str();
    // T2's COMMIT (statement 9 in the plan's order) is refused.
    std::size_t at = text.find("FL-ANSWER 9 ");
    REQUIRE(at != std::string::npos);
    REQUIRE(plan.statements[8].sql == "COMMIT");
    REQUIRE(plan.statements[8].op == 3);
    std::size_t end = text.find('\n', at);
    text.replace(at, end - at, "FL-ANSWER 9 1700000000.008000 1700000000.008500 ERROR:  could not serialize access");
    // T1's COMMIT is never answered.
    std::size_t last = text.find("FL-ANSWER 14 ");
    REQUIRE(last != std::string::npos);
    REQUIRE(plan.statements[13].op == 2);
    text.replace(last, text.find('\n', last) - last, "FL-ANSWER 14 1700000000.013000 - no answer within 10 s");
    ReplayHistory bad = replay_history(plan, h, text);
    CHECK(bad.unanswered == 1);
    int fails = 0, infos = 0;
    for (const Op& op : bad.history.ops()) {
      fails += op.type == OpType::Fail;
      infos += op.type == OpType::Info;
    }
    CHECK(fails == 1);
    CHECK(infos == 1);
  }
}

TEST_CASE("a statement no SQL client of faultline sends is bad input", "[no-cluster]") {
  History h = small_history();
  auto w = small_wire();
  w[0][1].request = "DELETE FROM accounts";
  CHECK_THROWS_AS(plan_replay(h, {0}, w), BadInput);
}
