// Jepsen / Knossos / Porcupine-kv histories in EDN.
#include <catch2/catch.hpp>

#include <sstream>

#include "history/edn_history.h"
#include "history/error.h"
#include "history/format.h"

using namespace fl;

namespace {

History edn(const std::string& text) {
  std::istringstream in(text);
  return read_edn_history(in, "h.edn");
}

std::int64_t bad_line(const std::string& text, std::string* what = nullptr) {
  try {
    edn(text);
  } catch (const BadInput& e) {
    if (what) *what = e.what();
    return e.line();
  }
  return -1;
}

}  // namespace

TEST_CASE("an EDN vector of op maps becomes a history with each op's opening line") {
  History h = edn(
      "; a comment\n"
      "[{:process 0, :type :invoke, :f :write, :value 3}\n"
      " {:type :ok,\n"
      "  :f :write,\n"
      "  :value 3,\n"
      "  :process 0\n"
      "  :time 77}\n"
      " {:process :nemesis :type :info :f :start :value nil}]\n");
  REQUIRE(h.size() == 3);
  CHECK(h[0].f == "write");
  CHECK(h[0].value == Json(3));
  CHECK(h[0].line == 2);
  CHECK(h[1].type == OpType::Ok);
  CHECK(h[1].time == 77);
  CHECK(h[1].line == 3);
  CHECK(h[2].is_nemesis());
  CHECK(h.partner(0) == 1);
}

TEST_CASE("EDN op maps one after another, as in Porcupine's kv files, are read") {
  History h = edn(
      "{:process 0, :type :invoke, :f :append, :key \"0\", :value \"x 0 0 y\"}\n"
      "{:process 0, :type :ok, :f :append, :key \"0\", :value \"x 0 0 y\"}\n"
      "{:process 1, :type :invoke, :f :get, :key \"5\", :value nil}\n");
  REQUIRE(h.size() == 3);
  CHECK(h[0].key == Json("0"));
  CHECK(h[2].line == 3);
  CHECK(h.outcome(h.pairs()[1]) == OpType::Info);
}

TEST_CASE("a list of ops, errors as keywords or vectors and an index are read") {
  History h = edn(
      "({:type :invoke, :f :release, :process 1, :time 341187643, :index 7}\n"
      " {:type :fail, :f :release, :process 1, :error [:not-found \"lease\"], :index 8}\n"
      " {:type :invoke, :f :acquire, :process 2, :error nil}\n"
      " {:type :fail, :f :acquire, :process 2, :error :timeout})");
  CHECK(h[0].index == 7);
  CHECK(h[1].error == R"(["not-found","lease"])");
  CHECK(h[2].error.empty());
  CHECK(h[3].error == "timeout");
}

TEST_CASE("Jepsen's independent tuples become key and value, a plain vector stays a value") {
  History h = edn(
      "[{:process 0 :type :invoke :f :write :value #jepsen.independent.Tuple {:key 5 :value 3}}\n"
      " {:process 0 :type :ok :f :write :value #jepsen.independent.Tuple [5 3]}\n"
      " {:process 1 :type :invoke :f :cas :value [1 2]}]");
  CHECK(h[0].key == Json(5));
  CHECK(h[0].value == Json(3));
  CHECK(h[1].key == Json(5));
  CHECK(h[1].value == Json(3));
  CHECK_FALSE(h[2].key.has_value());
  CHECK(h[2].value == Json::array({1, 2}));
}

TEST_CASE("EDN history errors name the line of the offending op") {
  std::string what;
  CHECK(bad_line("[{:process 0 :type :invoke :f :r}\n {:process 0 :type :ok}]", &what) == 2);
  CHECK_THAT(what, Catch::Contains("\"f\" is missing"));
  CHECK(bad_line("[{:process 0 :type :invoke :f :r}\n {:process x :type :ok :f :r}]") == 2);
  CHECK(bad_line("[{:process 0 :type :invoke :f :r}\n {:process 0 :type :done :f :r}]") == 2);
  CHECK(bad_line("[{:process 0 :type :invoke :f :r}\n {:process 0 :type :ok :f :r}\n", &what) == 1);
  CHECK_THAT(what, Catch::Contains("never closed"));
  CHECK(bad_line("[{:process 0 :type :invoke :f :r}\n {:process 0 :type :ok :f}]", &what) == 2);
  CHECK_THAT(what, Catch::Contains("odd number"));
  CHECK(bad_line("[{:process 0 :type :invoke :f :r}\n 17]", &what) == 2);
  CHECK_THAT(what, Catch::Contains("expected an op map"));
  CHECK(bad_line("[{:process 0 :type :invoke :f :r}\n {:process 0 :type :ok :f :r}] junk") == 2);
  CHECK(bad_line("[{:process 0 :type :ok :f :r}]") == 1);
  CHECK(bad_line("[{:process 0 :type :invoke :f :r :value 99999999999999999999}\n"
                 " {:process 99999999999999999999 :type :ok :f :r}]") == 2);
}

TEST_CASE("auto-detection tells JSONL, EDN and Jepsen logs apart by content") {
  auto detect = [](const std::string& text) {
    std::istringstream in(text);
    Format f = detect_format(in);
    CHECK(in.tellg() == 0);  // nothing consumed
    return f;
  };
  CHECK(detect("{\"process\":0}\n") == Format::Jsonl);
  CHECK(detect("\n  { \"process\":0}\n") == Format::Jsonl);
  CHECK(detect("[{:process 0}]") == Format::Edn);
  CHECK(detect("{:process 0}") == Format::Edn);
  CHECK(detect("; comment\n[]") == Format::Edn);
  CHECK(detect("(\n{:process 0})") == Format::Edn);
  CHECK(detect("INFO  jepsen.core - starting\nINFO  jepsen.util - 3\t:invoke\t:read\tnil\n") == Format::JepsenLog);
  CHECK(detect("hello world\n") == Format::Auto);
  std::istringstream in("\n\nhello world\n");
  try {
    read_history(in, "x.txt", Format::Auto);
    FAIL("no error");
  } catch (const BadInput& e) {
    CHECK(e.line() == 3);
  }
}

TEST_CASE("a history file that does not exist is BadInput at line 0") {
  try {
    read_history("/nonexistent/fl-history.jsonl");
    FAIL("no error");
  } catch (const BadInput& e) {
    CHECK(e.line() == 0);
    CHECK_THAT(e.what(), Catch::StartsWith("/nonexistent/fl-history.jsonl: cannot open"));
  }
}

TEST_CASE("a long EDN history is read op by op across block boundaries") {
  std::string text = "[";
  for (int i = 0; i < 40000; ++i) {
    text += "{:process " + std::to_string(i % 7) + ", :type :invoke, :f :write, :value {[1 2] \"" +
            std::string(40, 'x') + "\"},\n :time " + std::to_string(i) + "}\n";
    text += "{:process " + std::to_string(i % 7) + ", :type :ok, :f :write, :value nil}\n";
  }
  text += "]";
  REQUIRE(text.size() > 3 * (1 << 20));
  History h = edn(text);
  REQUIRE(h.size() == 80000);
  CHECK(h[79998].line == 3 * 39999 + 1);
  CHECK(h[79998].time == 39999);
  CHECK(h[79998].value == Json{{"[1 2]", std::string(40, 'x')}});
  CHECK(h[79999].line == 3 * 39999 + 3);
}
