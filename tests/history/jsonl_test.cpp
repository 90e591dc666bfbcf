// The JSON Lines reader and writer (DESIGN.md "History format").
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "history/error.h"
#include "history/format.h"
#include "history/jsonl.h"

using namespace fl;

namespace {

History jsonl(const std::string& text) {
  std::istringstream in(text);
  return read_jsonl(in, "h.jsonl");
}

// The line of the BadInput that reading `text` throws, or -1 if none.
std::int64_t jsonl_bad_line(const std::string& text, std::string* what = nullptr) {
  try {
    jsonl(text);
  } catch (const BadInput& e) {
    if (what) *what = e.what();
    return e.line();
  }
  return -1;
}

}  // namespace

TEST_CASE("the JSONL reader reads every field of DESIGN.md's example") {
  History h = jsonl(
      "{\"index\":0,\"time\":1200,\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"value\":3}\n"
      "{\"index\":1,\"time\":1800,\"process\":1,\"type\":\"invoke\",\"f\":\"read\",\"value\":null}\n"
      "\n"
      "{\"index\":2,\"time\":5100,\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"value\":3}\n"
      "{\"index\":3,\"time\":5900,\"process\":1,\"type\":\"ok\",\"f\":\"read\",\"value\":3,\"node\":\"n2\"}\n"
      "{\"index\":4,\"time\":7000,\"process\":\"nemesis\",\"type\":\"info\",\"f\":\"start-partition\","
      "\"value\":{\"n1\":[\"n2\",\"n3\"]}}\n");
  REQUIRE(h.size() == 5);
  CHECK(h[0].process == 0);
  CHECK(h[0].type == OpType::Invoke);
  CHECK(h[0].f == "write");
  CHECK(h[0].value == Json(3));
  CHECK(h[0].time == 1200);
  CHECK(h[1].value.is_null());
  CHECK(h[2].line == 4);  // the blank line still counts
  CHECK(h[3].node == "n2");
  CHECK(h[4].is_nemesis());
  CHECK(h[4].value == Json::parse(R"({"n1":["n2","n3"]})"));
  REQUIRE(h.pairs().size() == 2);
  CHECK(h.partner(0) == 2);
  CHECK(h.partner(4) == -1);
}

TEST_CASE("optional JSONL fields default and a given index is kept") {
  History h = jsonl(
      "{\"process\":5,\"type\":\"invoke\",\"f\":\"cas\",\"value\":[1,2],\"key\":\"k1\"}\n"
      "{\"process\":5,\"type\":\"fail\",\"f\":\"cas\",\"index\":42,\"error\":{\"code\":7}}\n"
      "{\"process\":6,\"type\":\"invoke\",\"f\":\"read\",\"error\":\"plain text\"}\n");
  CHECK(h[0].index == 0);
  CHECK(h[0].time == -1);
  CHECK(h[0].key == Json("k1"));
  CHECK(h[0].value == Json::array({1, 2}));
  CHECK(h[1].index == 42);
  CHECK(h[1].value.is_null());
  CHECK(h[1].error == "{\"code\":7}");
  CHECK(h[2].error == "plain text");
  CHECK_FALSE(h[1].key.has_value());
}

TEST_CASE("the fast and the general JSONL paths build the same op") {
  // The second line has an escape, which only the general path takes.
  History h = jsonl(
      "{\"process\":1,\"type\":\"invoke\",\"f\":\"write\",\"value\":17,\"key\":[1,\"a\"]}\n"
      "{\"process\":1,\"type\":\"ok\",\"f\":\"wr\\u0069te\",\"value\":17,\"key\":[1,\"a\"],\"time\":10}\n");
  CHECK(h[1].f == "write");
  CHECK(h[0].value == h[1].value);
  CHECK(h[0].value.type() == h[1].value.type());  // both unsigned, as nlohmann parses them
  CHECK(h[0].key->dump() == h[1].key->dump());
}

TEST_CASE("a time that is not an integer is refused") {
  std::string what;
  CHECK(jsonl_bad_line("{\"process\":1,\"type\":\"ok\",\"f\":\"w\",\"time\":1.5}\n", &what) == 1);
  CHECK_THAT(what, Catch::Contains("\"time\""));
}

TEST_CASE("JSONL errors name the line and say what is wrong") {
  std::string what;
  CHECK(jsonl_bad_line("{\"process\":0,\"type\":\"invoke\",\"f\":\"r\"}\n{\"process\":0,\"type\":\"done\",\"f\":\"r\"}\n",
                 &what) == 2);
  CHECK(what == "h.jsonl:2: \"type\" must be one of invoke, ok, fail, info, got \"done\"");
  CHECK(jsonl_bad_line("\n\n{\"process\":0,\"f\":\"r\"}\n", &what) == 3);
  CHECK(what == "h.jsonl:3: \"type\" is missing");
  CHECK(jsonl_bad_line("{\"process\":-1,\"type\":\"invoke\",\"f\":\"r\"}\n", &what) == 1);
  CHECK_THAT(what, Catch::Contains("non-negative integer"));
  CHECK(jsonl_bad_line("{\"process\":99999999999999999999,\"type\":\"invoke\",\"f\":\"r\"}\n") == 1);
  CHECK(jsonl_bad_line("{\"process\":9223372036854775808,\"type\":\"invoke\",\"f\":\"r\"}\n") == 1);
  CHECK(jsonl_bad_line("{\"process\":1e400,\"type\":\"invoke\",\"f\":\"r\"}\n", &what) == 1);
  CHECK(jsonl_bad_line("[1,2]\n", &what) == 1);
  CHECK_THAT(what, Catch::Contains("expected a JSON object"));
  CHECK(jsonl_bad_line("{\"process\":0,\"type\":\"invoke\",\"f\":\"r\"}\n{\"process\":0,", &what) == 2);
  CHECK_THAT(what, Catch::Contains("cut short"));
  CHECK(jsonl_bad_line("{\"process\":0,\"type\":\"invoke\",\"f\":\"\xff\"}\n", &what) == 1);
  CHECK_THAT(what, Catch::Contains("UTF-8"));
  CHECK(what.find('\xff') == std::string::npos);
  CHECK(jsonl_bad_line("{\"process\":0,\"type\":\"invoke\",\"f\":\"r\",\"value\":" + std::string(100000, '[') + "\n",
                 &what) == 1);
  CHECK_THAT(what, Catch::Contains("nested deeper"));
}

TEST_CASE("pairing errors carry the line of the offending op") {
  std::string what;
  CHECK(jsonl_bad_line("{\"process\":0,\"type\":\"invoke\",\"f\":\"r\"}\n{\"process\":1,\"type\":\"ok\",\"f\":\"r\"}\n",
                 &what) == 2);
  CHECK_THAT(what, Catch::Contains("without an invocation"));
  CHECK(jsonl_bad_line("{\"process\":0,\"type\":\"invoke\",\"f\":\"r\"}\n\n{\"process\":0,\"type\":\"invoke\",\"f\":\"w\"}\n",
                 &what) == 3);
}

TEST_CASE("writing a canonical JSONL history back gives the same bytes") {
  const std::string canonical =
      "{\"index\":0,\"time\":1200,\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"value\":3}\n"
      "{\"index\":1,\"process\":1,\"type\":\"invoke\",\"f\":\"cas\",\"value\":[1,-4],\"key\":\"x\",\"node\":\"n1\"}\n"
      "{\"index\":2,\"time\":5100,\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"value\":3}\n"
      "{\"index\":3,\"time\":5900,\"process\":1,\"type\":\"info\",\"f\":\"cas\",\"value\":null,\"key\":\"x\","
      "\"error\":\"timed out \\\"badly\\\" \xc3\xa9\"}\n"
      "{\"index\":4,\"time\":7000,\"process\":\"nemesis\",\"type\":\"info\",\"f\":\"start-partition\","
      "\"value\":{\"n1\":[\"n2\",\"n3\"]}}\n"
      "{\"index\":5,\"process\":2,\"type\":\"invoke\",\"f\":\"add\",\"value\":2.5}\n";
  History h = jsonl(canonical);
  std::ostringstream out;
  write_jsonl(out, h);
  CHECK(out.str() == canonical);
}

TEST_CASE("JsonlWriter appends one flushed line per op") {
  std::string path = "/tmp/fl-history-writer-test.jsonl";
  {
    JsonlWriter w(path);
    Op op;
    op.index = 0;
    op.process = 3;
    op.f = "read";
    w.write(op);
    // Flushed: another reader sees the line before the writer closes.
    History h = read_history(path, Format::Jsonl);
    REQUIRE(h.size() == 1);
    CHECK(h[0].process == 3);
    op.index = 1;
    op.type = OpType::Ok;
    op.value = 5;
    w.write(op);
  }
  History h = read_history(path, Format::Auto);
  REQUIRE(h.size() == 2);
  CHECK(h[1].value == Json(5));
  std::remove(path.c_str());
}

TEST_CASE("a JSONL line longer than the read block is read whole") {
  std::string big(3 << 20, 'v');
  History h = jsonl("{\"process\":0,\"type\":\"invoke\",\"f\":\"w\"}\n{\"process\":0,\"type\":\"ok\",\"f\":\"w\",\"value\":\"" +
                    big + "\"}\n{\"process\":1,\"type\":\"invoke\",\"f\":\"w\"}");
  REQUIRE(h.size() == 3);
  CHECK(h[1].value.get<std::string>().size() == big.size());
  CHECK(h[2].line == 3);
}
