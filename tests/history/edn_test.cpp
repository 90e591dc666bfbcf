// The EDN value reader: EDN's syntax and its mapping onto JSON.
#include <catch2/catch.hpp>

#include <sstream>

#include "history/edn.h"
#include "history/error.h"

using namespace fl;

namespace {

Json edn(const std::string& text) { return parse_edn(text, "v.edn"); }

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

TEST_CASE("EDN scalars map onto JSON") {
  CHECK(edn("nil").is_null());
  CHECK(edn("true") == Json(true));
  CHECK(edn("false") == Json(false));
  CHECK(edn("42") == Json(42));
  CHECK(edn("42").is_number_unsigned());  // as nlohmann parses "42"
  CHECK(edn("-7") == Json(-7));
  CHECK(edn("+7") == Json(7));
  CHECK(edn("1.5") == Json(1.5));
  CHECK(edn("1.5M") == Json(1.5));
  CHECK(edn("2e3") == Json(2000.0));
  CHECK(edn(":foo") == Json("foo"));
  CHECK(edn(":a/b") == Json("a/b"));
  CHECK(edn("foo-bar") == Json("foo-bar"));
  CHECK(edn("1/3") == Json("1/3"));
}

TEST_CASE("EDN integers beyond int64 stay exact as strings") {
  CHECK(edn("123N") == Json(123));
  CHECK(edn("99999999999999999999") == Json("99999999999999999999"));
  CHECK(edn("-99999999999999999999N") == Json("-99999999999999999999"));
  CHECK(edn("9223372036854775807") == Json(9223372036854775807LL));
}

TEST_CASE("EDN strings and characters decode their escapes") {
  CHECK(edn(R"("a\nb\t\"q\" \\ \u00e9")") == Json("a\nb\t\"q\" \\ \xc3\xa9"));
  CHECK(edn(R"("\ud83d\ude00")") == Json("\xf0\x9f\x98\x80"));
  CHECK(edn("\"two\nlines\"") == Json("two\nlines"));
  CHECK(edn(R"(\a)") == Json("a"));
  CHECK(edn(R"(\newline)") == Json("\n"));
  CHECK(edn(R"(\space)") == Json(" "));
  CHECK(edn(R"(\u0041)") == Json("A"));
  CHECK(edn(R"([\( \]])") == Json::array({"(", "]"}));
}

TEST_CASE("EDN collections map onto arrays and objects") {
  CHECK(edn("[1 2 3]") == Json::array({1, 2, 3}));
  CHECK(edn("(1, 2, 3)") == Json::array({1, 2, 3}));
  CHECK(edn("#{:a}") == Json::array({"a"}));
  CHECK(edn("[]") == Json::array());
  CHECK(edn("{}") == Json::object());
  CHECK(edn("{:a 1, \"b\" [nil]}") == Json{{"a", 1}, {"b", Json::array({nullptr})}});
  // Keys that are neither keywords nor strings are named by their EDN text.
  CHECK(edn("{1 :x [1 2] :y nil :z}") == Json{{"1", "x"}, {"[1 2]", "y"}, {"nil", "z"}});
  CHECK(edn("[[:read :x nil] [:write :y 2]]") ==
        Json::parse(R"([["read","x",null],["write","y",2]])"));
}

TEST_CASE("EDN comments, discards and tags are handled") {
  CHECK(edn("; a comment\n[1 ; inside\n 2]") == Json::array({1, 2}));
  CHECK(edn("[1 #_ 2 3]") == Json::array({1, 3}));
  CHECK(edn("[1 #_ [2 [3]] 4]") == Json::array({1, 4}));
  CHECK(edn("#inst \"2020-01-01\"") == Json("2020-01-01"));
  std::string tag;
  EdnReader r(std::string_view("#jepsen.independent.Tuple {:key 1 :value 2}"), "v.edn");
  Json v = r.read(&tag);
  CHECK(tag == "jepsen.independent.Tuple");
  CHECK(v == Json{{"key", 1}, {"value", 2}});
}

TEST_CASE("EDN syntax errors name the line where the form opens") {
  std::string what;
  CHECK(bad_line("[1\n 2\n \"open\n\n", &what) == 3);
  CHECK_THAT(what, Catch::Contains("string"));
  CHECK(bad_line("\n[1 2\n 3", &what) == 2);
  CHECK_THAT(what, Catch::Contains("never closed"));
  CHECK(bad_line("[1\n 2)", &what) == 2);
  CHECK(bad_line("\n\n{:a 1\n :b}", &what) == 3);
  CHECK_THAT(what, Catch::Contains("odd number"));
  CHECK(bad_line("]") == 1);
  CHECK(bad_line("1 2", &what) == 1);
  CHECK(bad_line("12abc") == 1);
  CHECK(bad_line("1e400") == 1);
  CHECK(bad_line(R"("\q")") == 1);
  CHECK(bad_line("\"\xff\"", &what) == 1);
  CHECK_THAT(what, Catch::Contains("UTF-8"));
  CHECK(bad_line(":") == 1);
}

TEST_CASE("deeply nested EDN is refused without exhausting the stack") {
  std::string what;
  CHECK(bad_line(std::string(100000, '['), &what) == 1);
  CHECK_THAT(what, Catch::Contains("nested deeper than 256"));
  CHECK(bad_line(std::string(300, '[') + std::string(300, ']')) == 1);
  std::string discards;
  for (int i = 0; i < 100000; ++i) discards += "#_ ";
  CHECK(bad_line(discards + "1") == 1);
  std::string tags;
  for (int i = 0; i < 100000; ++i) tags += "#t ";
  CHECK(bad_line(tags + "1") == 1);
  // At the limit it still reads.
  CHECK(edn(std::string(256, '[') + std::string(256, ']')).is_array());
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
