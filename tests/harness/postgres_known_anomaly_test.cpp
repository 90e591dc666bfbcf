// The PostgreSQL end-to-end test's predicate (postgres_known_anomaly.h) on
// hand-made list-append histories checked against strict serializability:
// it lets through exactly the G2-item PostgreSQL's SERIALIZABLE is known to
// commit, and what a client at a weaker isolation level shows fails it.
#include <catch2/catch.hpp>

#include <sstream>

#include "checkers/registry.h"
#include "history/jsonl.h"
#include "postgres_known_anomaly.h"

namespace fl::test {
namespace {

Json judged(const std::string& text, Json params = Json::object()) {
  std::istringstream in(text);
  History h = read_jsonl(in, "h.jsonl");
  CheckOptions opts;
  opts.params = std::move(params);
  opts.init = Json::object();
  CheckResult r = find_checker("txn-list-append")->check(h, opts);
  Json j = r.detail;
  j["valid"] = validity_json(r.valid);
  return j;
}

std::string line(int process, const char* type, const char* value) {
  return fmt::format(R"({{"process":{},"type":"{}","f":"txn","value":{}}})", process, type, value) + "\n";
}

}  // namespace

// README's cycle: a pivot P reads key x and appends to key y; T2 appends to
// x and commits; T3 reads x with T2's append and y without P's. P read x
// before T2's append (P -rw-> T2), T3 read T2's append (T2 -wr-> T3), T3
// read y before P's append (T3 -rw-> P): two rw edges in a row, G2-item.
// All three overlap in time, as in the runs.
const std::string kPostgresCycle =
    line(0, "invoke", R"([["r","x",null],["append","y",1]])") + line(1, "invoke", R"([["append","x",1]])") +
    line(2, "invoke", R"([["r","x",null],["r","y",null]])") + line(1, "ok", R"([["append","x",1]])") +
    line(0, "ok", R"([["r","x",[]],["append","y",1]])") + line(2, "ok", R"([["r","x",[1]],["r","y",[]]])");

TEST_CASE("the predicate accepts PostgreSQL's known G2-item: three transactions, two rw edges in a row", "[no-cluster]") {
  Json r = judged(kPostgresCycle);
  INFO(r.dump(1));
  REQUIRE(r["valid"] == false);
  CHECK(r["anomaly-types"] == Json::array({"G2-item"}));
  CHECK(beyond_known_postgres_anomaly(r) == "");
}

// The variant the README also saw: T3 appends to x after T2 (ww) instead of
// reading it; a later read shows the order of x's appends and P's append.
TEST_CASE("the predicate accepts the known cycle with a ww edge in place of the wr edge", "[no-cluster]") {
  const std::string h =
      line(0, "invoke", R"([["r","x",null],["append","y",1]])") + line(1, "invoke", R"([["append","x",1]])") +
      line(2, "invoke", R"([["r","y",null],["append","x",2]])") + line(1, "ok", R"([["append","x",1]])") +
      line(0, "ok", R"([["r","x",[]],["append","y",1]])") + line(2, "ok", R"([["r","y",[]],["append","x",2]])") +
      line(3, "invoke", R"([["r","x",null],["r","y",null]])") + line(3, "ok", R"([["r","x",[1,2]],["r","y",[1]]])");
  Json r = judged(h);
  INFO(r.dump(1));
  REQUIRE(r["valid"] == false);
  CHECK(r["anomaly-types"] == Json::array({"G2-item"}));
  CHECK(beyond_known_postgres_anomaly(r) == "");
}

// Its realtime form: T3 begins after T2 committed and reads y without P's
// append; P still read x before T2's append. P -rw-> T2 -realtime-> T3
// -rw-> P.
TEST_CASE("the predicate accepts the realtime form of the known cycle", "[no-cluster]") {
  const std::string h =
      line(0, "invoke", R"([["r","x",null],["append","y",1]])") + line(1, "invoke", R"([["append","x",1]])") +
      line(1, "ok", R"([["append","x",1]])") + line(2, "invoke", R"([["r","y",null]])") +
      line(2, "ok", R"([["r","y",[]]])") + line(0, "ok", R"([["r","x",[]],["append","y",1]])");
  Json r = judged(h);
  INFO(r.dump(1));
  REQUIRE(r["valid"] == false);
  CHECK(r["anomaly-types"] == Json::array({"G2-item-realtime"}));
  CHECK(beyond_known_postgres_anomaly(r) == "");
}

TEST_CASE("the predicate accepts a valid result and refuses one judged against a weaker model", "[no-cluster]") {
  const std::string h = line(0, "invoke", R"([["append","x",1]])") + line(0, "ok", R"([["append","x",1]])") +
                        line(1, "invoke", R"([["r","x",null]])") + line(1, "ok", R"([["r","x",[1]]])");
  CHECK(beyond_known_postgres_anomaly(judged(h)) == "");
  CHECK_THAT(beyond_known_postgres_anomaly(judged(h, {{"consistency-models", "strong-snapshot-isolation"}})),
             Catch::Contains("not strict-serializable"));
  Json unknown = judged(h);
  unknown["valid"] = "unknown";
  CHECK_THAT(beyond_known_postgres_anomaly(unknown), Catch::Contains("no verdict"));
}

// What snapshot isolation (PostgreSQL's REPEATABLE READ) lets through and
// SERIALIZABLE must not: a write skew, two transactions each reading what
// the other appends to — a G2-item, but of two transactions.
TEST_CASE("the predicate refuses a write skew, the G2-item of repeatable read", "[no-cluster]") {
  const std::string h = line(0, "invoke", R"([["r","x",null],["r","y",null],["append","x",1]])") +
                        line(1, "invoke", R"([["r","x",null],["r","y",null],["append","y",1]])") +
                        line(0, "ok", R"([["r","x",[]],["r","y",[]],["append","x",1]])") +
                        line(1, "ok", R"([["r","x",[]],["r","y",[]],["append","y",1]])");
  Json r = judged(h);
  REQUIRE(r["anomaly-types"] == Json::array({"G2-item"}));
  CHECK_THAT(beyond_known_postgres_anomaly(r), Catch::Contains("not of three or four"));
}

// What read committed lets through: two transactions read x empty and both
// append to it (a lost update); and a read that sees one transaction's
// append to x but not its append to y (read skew, G-single).
TEST_CASE("the predicate refuses the anomalies of read committed", "[no-cluster]") {
  const std::string lost = line(0, "invoke", R"([["r","x",null],["append","x",1]])") +
                           line(1, "invoke", R"([["r","x",null],["append","x",2]])") +
                           line(0, "ok", R"([["r","x",[]],["append","x",1]])") +
                           line(1, "ok", R"([["r","x",[]],["append","x",2]])") + line(2, "invoke", R"([["r","x",null]])") +
                           line(2, "ok", R"([["r","x",[1,2]]])");
  Json r = judged(lost);
  INFO(r.dump(1));
  CHECK(r["valid"] == false);
  CHECK_THAT(beyond_known_postgres_anomaly(r), Catch::Contains("is not PostgreSQL's known one"));
  const std::string skew = line(0, "invoke", R"([["append","x",1],["append","y",1]])") +
                           line(1, "invoke", R"([["r","x",null],["r","y",null]])") +
                           line(0, "ok", R"([["append","x",1],["append","y",1]])") +
                           line(1, "ok", R"([["r","x",[1]],["r","y",[]]])");
  r = judged(skew);
  INFO(r.dump(1));
  CHECK(r["anomaly-types"] == Json::array({"G-single-item"}));
  CHECK_THAT(beyond_known_postgres_anomaly(r), Catch::Contains("G-single-item is not"));
}

TEST_CASE("the predicate refuses a result whose cycles were not all kept, or whose rw edges are apart", "[no-cluster]") {
  Json r = judged(kPostgresCycle);
  r["anomaly-counts"]["G2-item"] = 101;
  CHECK_THAT(beyond_known_postgres_anomaly(r), Catch::Contains("only 1 kept"));
  r = judged(kPostgresCycle);
  Json apart = Json::array();  // rw wr rw wr
  for (const char* type : {"rw", "wr", "rw", "wr"}) apart.push_back({{"type", type}});
  r["anomalies"][0]["cycle"] = apart;
  CHECK_THAT(beyond_known_postgres_anomaly(r), Catch::Contains("one right after the other"));
}

}  // namespace fl::test
