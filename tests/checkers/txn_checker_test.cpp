// The transactional checkers' promises beyond the corpus: every step of a
// cycle explained, the verdict against the models asked for, process order,
// and unknown when the time budget runs out.
#include <catch2/catch.hpp>

#include <sstream>

#include "checkers/registry.h"
#include "history/jsonl.h"

namespace fl::test::txn_checker {
namespace {

History jsonl(const std::string& text) {
  std::istringstream in(text);
  return read_jsonl(in, "h.jsonl");
}

CheckResult check(const char* checker, const History& h, Json params = Json::object(), double time_limit = 0) {
  CheckOptions opts;
  opts.params = std::move(params);
  opts.time_limit_s = time_limit;
  return find_checker(checker)->check(h, opts);
}

// Write skew: each txn reads the key the other one writes, both from nil.
const char* kWriteSkew = R"({"process":0,"type":"invoke","f":"txn","value":[["r","x",null],["w","y",1]]}
{"process":1,"type":"invoke","f":"txn","value":[["r","y",null],["w","x",1]]}
{"process":0,"type":"ok","f":"txn","value":[["r","x",null],["w","y",1]]}
{"process":1,"type":"ok","f":"txn","value":[["r","y",null],["w","x",1]]})";

}  // namespace

TEST_CASE("a write skew is a G2-item cycle with each step explained in a sentence") {
  CheckResult r = check("txn-rw-register", jsonl(kWriteSkew));
  REQUIRE(r.valid == Validity::Invalid);
  CHECK(r.detail["anomaly-types"] == Json::array({"G2-item"}));
  const Json& a = r.detail["anomalies"][0];
  CHECK(a["kind"] == "G2-item");
  CHECK(a["ops"] == Json::array({2, 3}));
  REQUIRE(a["cycle"].size() == 2);
  for (const Json& step : a["cycle"]) {
    CHECK(step["type"] == "rw");
    CHECK_THAT(step["explanation"].get<std::string>(), Catch::Contains("the initial state"));
  }
  CHECK(r.detail["not"] == Json::array({"repeatable-read"}));
}

TEST_CASE("the verdict is against the models asked for, what they allow is still reported") {
  CheckResult r = check("txn-rw-register", jsonl(kWriteSkew), {{"consistency-models", "snapshot-isolation"}});
  CHECK(r.valid == Validity::Valid);
  CHECK(r.detail["also-found"] == Json::array({"G2-item"}));
  CHECK(r.detail["not"] == Json::array({"repeatable-read"}));
  r = check("txn-rw-register", jsonl(kWriteSkew), {{"consistency-models", Json::array({"repeatable-read"})}});
  CHECK(r.valid == Validity::Invalid);
}

TEST_CASE("a list-append G1c names the appends and the read that make the cycle") {
  History h = jsonl(R"({"process":0,"type":"invoke","f":"txn","value":[["append",1,1],["r",2,null]]}
{"process":1,"type":"invoke","f":"txn","value":[["append",1,2],["append",2,1]]}
{"process":0,"type":"ok","f":"txn","value":[["append",1,1],["r",2,[1]]]}
{"process":1,"type":"ok","f":"txn","value":[["append",1,2],["append",2,1]]}
{"process":2,"type":"invoke","f":"txn","value":[["r",1,null]]}
{"process":2,"type":"ok","f":"txn","value":[["r",1,[1,2]]]})");
  CheckResult r = check("txn-list-append", h);
  REQUIRE(r.detail["anomaly-types"] == Json::array({"G1c"}));
  std::string e = r.detail["anomalies"][0]["explanation"];
  CHECK_THAT(e, Catch::Contains("T3 appended 1 to key 2, and T2 read [1]"));
  CHECK_THAT(e, Catch::Contains("T3 appended 2 to key 1 right after T2's 1"));
}

TEST_CASE("with a strong-session model, process order finds a process's stale read") {
  // Process 0 appends 1 and later reads the key empty.
  History h = jsonl(R"({"process":0,"type":"invoke","f":"txn","value":[["append",1,1]]}
{"process":0,"type":"ok","f":"txn","value":[["append",1,1]]}
{"process":1,"type":"invoke","f":"txn","value":[["r",1,null]]}
{"process":1,"type":"ok","f":"txn","value":[["r",1,[1]]]}
{"process":0,"type":"invoke","f":"txn","value":[["r",1,null]]}
{"process":0,"type":"ok","f":"txn","value":[["r",1,[]]]})");
  CheckResult r = check("txn-list-append", h, {{"consistency-models", "strong-session-serializable"}});
  CHECK(r.valid == Validity::Invalid);
  CHECK(r.detail["anomaly-types"] == Json::array({"G-single-item-process"}));
  CHECK(check("txn-list-append", h, {{"consistency-models", "serializable"}}).valid == Validity::Valid);
}

TEST_CASE("when the time budget runs out before the cycle search, the answer is unknown and says so") {
  CheckResult r = check("txn-rw-register", jsonl(kWriteSkew), Json::object(), 1e-9);
  CHECK(r.valid == Validity::Unknown);
  CHECK(r.detail["anomaly-types"] == Json::array({"cycle-search-timeout"}));
}

}  // namespace fl::test::txn_checker

namespace fl::test::txn_checker {

// An append acknowledged, read, then a power cut, and a read begun after it
// that lacks it while holding a later append: the incompatible order names
// the write, the read that saw it, the fault and the read that missed it, in
// the History's check and in the streamed one alike. Without the fault
// between them, nothing is said of a loss.
TEST_CASE("an incompatible order across a fault names the acknowledged append the fault lost") {
  const std::string before = R"({"process":0,"type":"invoke","f":"txn","value":[["append",1,1]]}
{"process":0,"type":"ok","f":"txn","value":[["append",1,1]]}
{"process":1,"type":"invoke","f":"txn","value":[["append",1,2]]}
{"process":1,"type":"ok","f":"txn","value":[["append",1,2]]}
{"process":0,"type":"invoke","f":"txn","value":[["r",1,null]]}
{"process":0,"type":"ok","f":"txn","value":[["r",1,[1,2]]]}
)";
  const std::string fault =
      R"({"process":"nemesis","type":"info","f":"start-lose-unfsynced","value":{"nodes":["n1"]},"time":5000000000}
)";
  const std::string after = R"({"process":1,"type":"invoke","f":"txn","value":[["append",1,3]]}
{"process":1,"type":"ok","f":"txn","value":[["append",1,3]]}
{"process":0,"type":"invoke","f":"txn","value":[["r",1,null]]}
{"process":0,"type":"ok","f":"txn","value":[["r",1,[1,3]]]})";
  CheckResult r = check("txn-list-append", jsonl(before + fault + after));
  REQUIRE(r.valid == Validity::Invalid);
  std::string said;
  for (const Json& a : r.detail["anomalies"])
    if (a["kind"] == "incompatible-order") said = a.value("explanation", "");
  CHECK_THAT(said, Catch::Contains("An acknowledged append lost: T3 appended 2 (ok), T5 read it, then "
                                   "start-lose-unfsynced on n1 (op 6, at 5.000 s); T10, begun after that, read the "
                                   "list without it"));
  CheckResult quiet = check("txn-list-append", jsonl(before + after));
  REQUIRE(quiet.valid == Validity::Invalid);
  for (const Json& a : quiet.detail["anomalies"])
    CHECK_THAT(a.value("explanation", ""), !Catch::Contains("acknowledged append lost"));
}

}  // namespace fl::test::txn_checker
