// What the transactional checkers refuse, and how they answer when nothing
// can be inferred.
#include <catch2/catch.hpp>

#include <sstream>

#include "checkers/registry.h"
#include "history/error.h"
#include "history/jsonl.h"

namespace fl::test::txn_input {
namespace {

History jsonl(const std::string& text) {
  std::istringstream in(text);
  return read_jsonl(in, "h.jsonl");
}

std::int64_t bad_line(const char* checker, const std::string& text, std::string* what = nullptr,
                      Json params = Json::object()) {
  CheckOptions opts;
  opts.params = std::move(params);
  try {
    find_checker(checker)->check(jsonl(text), opts);
  } catch (const BadInput& e) {
    if (what) *what = e.what();
    return e.line();
  }
  return -1;
}

const char* kInvoke = R"({"process":0,"type":"invoke","f":"txn","value":[["append",1,1]]})";

}  // namespace

TEST_CASE("a malformed micro-op is bad input at the line of its op") {
  std::string what;
  CHECK(bad_line("txn-list-append",
                 std::string(kInvoke) + "\n" + R"({"process":0,"type":"ok","f":"txn","value":[["append",1]]})",
                 &what) == 2);
  CHECK_THAT(what, Catch::Contains("no value"));
  CHECK(bad_line("txn-list-append",
                 std::string(kInvoke) + "\n" + R"({"process":0,"type":"ok","f":"txn","value":[["cas",1,2]]})",
                 &what) == 2);
  CHECK_THAT(what, Catch::Contains("unknown micro-op \"cas\""));
  CHECK(bad_line("txn-list-append",
                 std::string(kInvoke) + "\n" + R"({"process":0,"type":"ok","f":"txn","value":[["r",1,7]]})",
                 &what) == 2);
  CHECK_THAT(what, Catch::Contains("must return a list"));
  CHECK(bad_line("txn-list-append", R"({"process":0,"type":"invoke","f":"txn","value":7})", &what) == 1);
  CHECK(bad_line("txn-list-append", R"({"process":0,"type":"invoke","f":"txn","value":[["w",1,1]]})", &what) == 1);
  CHECK_THAT(what, Catch::Contains("txn-rw-register"));
  CHECK(bad_line("txn-rw-register", R"({"process":0,"type":"invoke","f":"txn","value":[["append",1,1]]})") == 1);
}

TEST_CASE("list-append refuses a value appended twice to one key, rw-register a value written twice and read") {
  std::string what;
  CHECK(bad_line("txn-list-append",
                 std::string(kInvoke) + "\n" + R"({"process":0,"type":"ok","f":"txn","value":[["append",1,1]]})" +
                     "\n" + R"({"process":1,"type":"invoke","f":"txn","value":[["append",1,1]]})",
                 &what) == 3);
  CHECK_THAT(what, Catch::Contains("unique appends"));
  CHECK(bad_line("txn-rw-register",
                 R"({"process":0,"type":"invoke","f":"txn","value":[["w","x",1]]}
{"process":0,"type":"ok","f":"txn","value":[["w","x",1]]}
{"process":1,"type":"invoke","f":"txn","value":[["w","x",1]]}
{"process":1,"type":"ok","f":"txn","value":[["w","x",1]]}
{"process":2,"type":"invoke","f":"txn","value":[["r","x",null]]}
{"process":2,"type":"ok","f":"txn","value":[["r","x",1]]})",
                 &what) == 4);
  CHECK_THAT(what, Catch::Contains("unique writes"));
}

TEST_CASE("an unknown consistency model or anomaly is a usage error, not a verdict") {
  CheckOptions opts;
  opts.params["consistency-models"] = "serialisable";
  History h = jsonl(kInvoke);
  CHECK_THROWS_AS(find_checker("txn-list-append")->check(h, opts), std::invalid_argument);
  opts.params = {{"anomalies", Json::array({"G9"})}};
  CHECK_THROWS_AS(find_checker("txn-rw-register")->check(h, opts), std::invalid_argument);
}

TEST_CASE("a history from which no dependency can be inferred is unknown, with the reason") {
  CheckResult r = find_checker("txn-list-append")->check(jsonl(kInvoke), CheckOptions{});
  CHECK(r.valid == Validity::Unknown);
  CHECK(r.detail["anomaly-types"] == Json::array({"empty-transaction-graph"}));
}

TEST_CASE("an op that is not a transaction is refused, naming its line, not skipped") {
  // Skipping it would judge a history of another shape, vacuously.
  History h = jsonl(R"({"process":0,"type":"invoke","f":"read","value":null}
{"process":0,"type":"ok","f":"read","value":3})");
  for (const char* checker : {"txn-rw-register", "txn-list-append"}) {
    try {
      find_checker(checker)->check(h, CheckOptions{});
      FAIL(checker << " skipped an op \"read\"");
    } catch (const BadInput& e) {
      CHECK(e.line() == 1);
      CHECK(std::string(e.what()).find("\"read\"") != std::string::npos);
    }
  }
}

}  // namespace fl::test::txn_input
