// The EDN value reader: EDN's syntax and its mapping onto JSON.
#include <catch2/catch.hpp>

#include <sstream>

#include "history/edn.h"
#include "history/error.h"

using namespace fl;

namespace {

Json edn_value(const std::string& text) { return parse_edn(text, "v.edn"); }

std::int64_t edn_bad_line(const std::string& text, std::string* what = nullptr) {
  try {
    edn_value(text);
  } catch (const BadInput& e) {
    if (what) *what = e.what();
    return e.line();
  }
  return -1;
}

}  // namespace

TEST_CASE("EDN scalars map onto JSON") {
  CHECK(edn_value("nil").is_null());
  CHECK(edn_value("true") == Json(true));
  CHECK(edn_value("false") == Json(false));
  CHECK(edn_value("42") == Json(42));
  CHECK(edn_value("42").is_number_unsigned());  // as nlohmann parses "42"
  CHECK(edn_value("-7") == Json(-7));
  CHECK(edn_value("+7") == Json(7));
  CHECK(edn_value("1.5") == Json(1.5));
  CHECK(edn_value("1.5M") == Json(1.5));
  CHECK(edn_value("2e3") == Json(2000.0));
  CHECK(edn_value(":foo") == Json("foo"));
  CHECK(edn_value(":a/b") == Json("a/b"));
  CHECK(edn_value("foo-bar") == Json("foo-bar"));
  CHECK(edn_value("1/3") == Json("1/3"));
}

TEST_CASE("EDN integers beyond int64 stay exact as strings") {
  CHECK(edn_value("123N") == Json(123));
  CHECK(edn_value("99999999999999999999") == Json("99999999999999999999"));
  CHECK(edn_value("-99999999999999999999N") == Json("-99999999999999999999"));
  CHECK(edn_value("9223372036854775807") == Json(9223372036854775807LL));
}

TEST_CASE("EDN strings and characters decode their escapes") {
  CHECK(edn_value(R"("a\nb\t\"q\" \\ \u00e9")") == Json("a\nb\t\"q\" \\ \xc3\xa9"));
  CHECK(edn_value(R"("\ud83d\ude00")") == Json("\xf0\x9f\x98\x80"));
  CHECK(edn_value("\"two\nlines\"") == Json("two\nlines"));
  CHECK(edn_value(R"(\a)") == Json("a"));
  CHECK(edn_value(R"(\newline)") == Json("\n"));
  CHECK(edn_value(R"(\space)") == Json(" "));
  CHECK(edn_value(R"(\u0041)") == Json("A"));
  CHECK(edn_value(R"([\( \]])") == Json::array({"(", "]"}));
}

TEST_CASE("EDN collections map onto arrays and objects") {
  CHECK(edn_value("[1 2 3]") == Json::array({1, 2, 3}));
  CHECK(edn_value("(1, 2, 3)") == Json::array({1, 2, 3}));
  CHECK(edn_value("#{:a}") == Json::array({"a"}));
  CHECK(edn_value("[]") == Json::array());
  CHECK(edn_value("{}") == Json::object());
  CHECK(edn_value("{:a 1, \"b\" [nil]}") == Json{{"a", 1}, {"b", Json::array({nullptr})}});
  // Keys that are neither keywords nor strings are named by their EDN text.
  CHECK(edn_value("{1 :x [1 2] :y nil :z}") == Json{{"1", "x"}, {"[1 2]", "y"}, {"nil", "z"}});
  CHECK(edn_value("[[:read :x nil] [:write :y 2]]") ==
        Json::parse(R"([["read","x",null],["write","y",2]])"));
}

TEST_CASE("EDN comments, discards and tags are handled") {
  CHECK(edn_value("; a comment\n[1 ; inside\n 2]") == Json::array({1, 2}));
  CHECK(edn_value("[1 #_ 2 3]") == Json::array({1, 3}));
  CHECK(edn_value("[1 #_ [2 [3]] 4]") == Json::array({1, 4}));
  CHECK(edn_value("#inst \"2020-01-01\"") == Json("2020-01-01"));
  std::string tag;
  EdnReader r(std::string_view("#jepsen.independent.Tuple {:key 1 :value 2}"), "v.edn");
  Json v = r.read(&tag);
  CHECK(tag == "jepsen.independent.Tuple");
  CHECK(v == Json{{"key", 1}, {"value", 2}});
}

TEST_CASE("EDN syntax errors name the line where the form opens") {
  std::string what;
  CHECK(edn_bad_line("[1\n 2\n \"open\n\n", &what) == 3);
  CHECK_THAT(what, Catch::Contains("string"));
  CHECK(edn_bad_line("\n[1 2\n 3", &what) == 2);
  CHECK_THAT(what, Catch::Contains("never closed"));
  CHECK(edn_bad_line("[1\n 2)", &what) == 2);
  CHECK(edn_bad_line("\n\n{:a 1\n :b}", &what) == 3);
  CHECK_THAT(what, Catch::Contains("odd number"));
  CHECK(edn_bad_line("]") == 1);
  CHECK(edn_bad_line("1 2", &what) == 1);
  CHECK(edn_bad_line("12abc") == 1);
  CHECK(edn_bad_line("1e400") == 1);
  CHECK(edn_bad_line(R"("\q")") == 1);
  CHECK(edn_bad_line("\"\xff\"", &what) == 1);
  CHECK_THAT(what, Catch::Contains("UTF-8"));
  CHECK(edn_bad_line(":") == 1);
}

TEST_CASE("deeply nested EDN is refused without exhausting the stack") {
  std::string what;
  CHECK(edn_bad_line(std::string(100000, '['), &what) == 1);
  CHECK_THAT(what, Catch::Contains("nested deeper than 256"));
  CHECK(edn_bad_line(std::string(300, '[') + std::string(300, ']')) == 1);
  std::string discards;
  for (int i = 0; i < 100000; ++i) discards += "#_ ";
  CHECK(edn_bad_line(discards + "1") == 1);
  std::string tags;
  for (int i = 0; i < 100000; ++i) tags += "#t ";
  CHECK(edn_bad_line(tags + "1") == 1);
  // At the limit it still reads.
  CHECK(edn_value(std::string(256, '[') + std::string(256, ']')).is_array());
}

TEST_CASE("the EDN reader streams a long input across block boundaries") {
  std::string text = "[";
  for (int i = 0; i < 200000; ++i) text += "{:k \"some text\" :n " + std::to_string(i) + "}\n";
  text += "]";
  std::istringstream in(text);
  EdnReader r(in, "big.edn");
  Json v = r.read();
  REQUIRE(v.size() == 200000);
  CHECK(v[199999]["n"] == Json(199999));
  CHECK(r.line() == 200001);
}
