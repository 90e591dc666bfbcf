// Jepsen log lines (Porcupine's etcd data).
#include <catch2/catch.hpp>

#include <sstream>

#include "history/error.h"
#include "history/jepsen_log.h"

using namespace fl;

namespace {

History log(const std::string& text) {
  std::istringstream in(text);
  return read_jepsen_log(in, "j.log");
}

}  // namespace

TEST_CASE("Jepsen log lines become ops and other lines are ignored") {
  History h = log(
      "INFO  jepsen.core - Running test\n"
      "INFO  jepsen.util - 3\t:invoke\t:cas\t[1 4]\n"
      "INFO  jepsen.util - 0   :invoke :read   nil\n"
      "INFO  jepsen.util - :nemesis\t:info\t:start\t\"Cut off {:n1 #{:n2}}\"\n"
      "INFO  jepsen.util - 3\t:fail\t:cas\t[1 4]\n"
      "WARN  jepsen.util - something else entirely\n"
      "INFO  jepsen.util - 0\t:fail\t:read\t:timed-out\n"
      "INFO  jepsen.util - 1\t:invoke\t:write\t2\n");
  REQUIRE(h.size() == 6);
  CHECK(h[0].process == 3);
  CHECK(h[0].type == OpType::Invoke);
  CHECK(h[0].f == "cas");
  CHECK(h[0].value == Json::array({1, 4}));
  CHECK(h[0].line == 2);
  CHECK(h[1].value.is_null());
  CHECK(h[2].is_nemesis());
  CHECK(h[2].value == Json("Cut off {:n1 #{:n2}}"));
  CHECK(h[3].type == OpType::Fail);
  CHECK(h[4].f == "read");
  CHECK(h[4].value == Json("timed-out"));
  CHECK(h.outcome(h.pairs()[2]) == OpType::Info);  // write 2 never completed
}

TEST_CASE("a Jepsen op line with a bad value is an error at its line") {
  try {
    log("INFO  jepsen.util - 3\t:invoke\t:cas\t[1 4]\nINFO  jepsen.util - 3\t:ok\t:cas\t[1 4\n");
    FAIL("no error");
  } catch (const BadInput& e) {
    CHECK(e.line() == 2);
  }
  CHECK_THROWS_AS(log("INFO  jepsen.util - 99999999999999999999\t:invoke\t:read\tnil\n"), BadInput);
  CHECK_THROWS_AS(log("INFO  jepsen.util - 1\t:invoke\tread\tnil\n"), BadInput);
}

TEST_CASE("a nemesis log line whose value is not EDN keeps its text") {
  History h = log("INFO  jepsen.util - :nemesis\t:info\t:start\t#<Object 1234>]\n");
  REQUIRE(h.size() == 1);
  CHECK(h[0].value == Json("#<Object 1234>]"));
}
