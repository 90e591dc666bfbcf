// elle-cli's JSON histories (one JSON array of op objects) and Elle's
// transactions without "f".
#include <catch2/catch.hpp>

#include <sstream>

#include "history/edn_history.h"
#include "history/error.h"
#include "history/format.h"
#include "history/json_array.h"

using namespace fl;

namespace {

History json_history(const std::string& text) {
  std::istringstream in(text);
  return read_json_array(in, "h.json");
}

std::int64_t json_bad_line(const std::string& text, std::string* what = nullptr) {
  try {
    json_history(text);
  } catch (const BadInput& e) {
    if (what) *what = e.what();
    return e.line();
  }
  return -1;
}

}  // namespace

TEST_CASE("an elle-cli JSON array becomes a history of txn ops, each naming its line") {
  History h = json_history(
      "[{\"index\":0,\"process\":0,\"type\":\"invoke\",\"value\":[[\"append\",1,1],[\"r\",2,null]]},\n"
      " {\"index\":1,\"process\":0,\"type\":\"ok\",\"value\":[[\"append\",1,1],[\"r\",2,[3]]]},\n"
      " {\"index\":2,\"process\":1,\"type\":\"invoke\",\"f\":\"txn\",\"value\":[[\"w\",\"x\",1]]}\n"
      "]\n");
  REQUIRE(h.size() == 3);
  CHECK(h[0].f == "txn");
  CHECK(h[1].f == "txn");
  CHECK(h[1].line == 2);
  CHECK(h[1].value[1] == Json::array({"r", 2, Json::array({3})}));
  CHECK(h[2].line == 3);
  CHECK(h.outcome(h.pairs()[1]) == OpType::Info);  // never completed
}

TEST_CASE("the format sniffer tells an elle-cli JSON array from EDN") {
  auto detect = [](const std::string& text) {
    std::istringstream in(text);
    return detect_format(in);
  };
  CHECK(detect("[{\"index\":0,\"process\":0}]") == Format::JsonArray);
  CHECK(detect("[\n {\"process\":0}]") == Format::JsonArray);
  CHECK(detect("[{:process 0}]") == Format::Edn);
  CHECK(parse_format("json") == Format::JsonArray);
}

TEST_CASE("a malformed elle-cli JSON history is refused at the line of the problem") {
  std::string what;
  CHECK(json_bad_line("[{\"process\":0,\"type\":\"invoke\",\"value\":[[\"r\",1,null]]},\n {\"process\":0,\"type\":\"ok\"}]",
                 &what) == 2);
  CHECK_THAT(what, Catch::Contains("\"f\" is missing"));
  CHECK(json_bad_line("[{\"process\":0,\"type\":\"invoke\",\"f\":\"txn\",\"value\":[]},\n {\"process\":0,\"type\":\"ok\"") ==
        2);
  CHECK(json_bad_line("[{\"process\":0,\"type\":\"invoke\",\"f\":\"txn\",\"value\":[]}\n {\"process\":0}]", &what) == 2);
  CHECK_THAT(what, Catch::Contains("expected ','"));
  CHECK(json_bad_line("\n\n[{\"process\":0,\"type\":\"invoke\",\"f\":\"txn\",\"value\":[]} junk", &what) == 3);
  CHECK(json_bad_line("{\"process\":0}") == 1);
}

TEST_CASE("Jepsen EDN transactions without :f are txn ops, [:r x] is a read of unknown value") {
  std::istringstream in(
      "{:process 1, :index 1, :type :invoke, :value [[:r x] [:append x 1]]}\n"
      "{:process 1, :index 2, :type :ok, :value [[:r x []] [:append x 1]]}\n");
  History h = read_edn_history(in, "h.edn");
  REQUIRE(h.size() == 2);
  CHECK(h[0].f == "txn");
  CHECK(h[0].value[0] == Json::array({"r", "x"}));
}
