// The JSONL reader's fast path against the general one: on random op lines
// (well-formed and not, of the common shape and not), the reader must give
// what nlohmann's parse followed by OpFields gives — the same op, with the
// same JSON types, or an error at the same line (with the same sentence when
// the error is a field's).
#include <catch2/catch.hpp>

#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "history/error.h"
#include "history/jsonl.h"
#include "history/jsonl_fast.h"
#include "history/op_fields.h"

using namespace fl;

namespace {

// What the general path does with a line (jsonl.cpp's slow path, through
// the public pieces): nullopt-like `ok == false` with the error's text.
struct Reference {
  bool ok = false;
  bool field_error = false;  // the error came from OpFields (its sentence is compared)
  std::string what;
  Op op;
};

Reference reference(const std::string& line) {
  Reference r;
  Json j;
  try {
    j = Json::parse(line);
  } catch (const Json::exception& e) {
    r.what = e.what();
    return r;
  }
  if (!j.is_object()) return r;
  static const std::string source = "h.jsonl";  // OpFields keeps a reference
  try {
    OpFields fields(source, 1);
    for (auto& item : j.items()) fields.set(item.key(), std::move(item.value()));
    r.op = fields.finish();
    r.ok = true;
  } catch (const BadInput& e) {
    r.field_error = true;
    r.what = e.what();
  }
  return r;
}

// Same JSON, and the same kinds of numbers everywhere (they hash apart).
bool same_json(const Json& a, const Json& b) {
  if (a.type() != b.type()) return false;
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (!same_json(a[i], b[i])) return false;
    return true;
  }
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto it = a.begin(), jt = b.begin(); it != a.end(); ++it, ++jt)
      if (it.key() != jt.key() || !same_json(*it, *jt)) return false;
    return true;
  }
  return a == b;
}

void check_same_op(const Op& got, const Op& want) {
  CHECK(got.index == want.index);
  CHECK(got.time == want.time);
  CHECK(got.process == want.process);
  CHECK(got.type == want.type);
  CHECK(got.f == want.f);
  CHECK(same_json(got.value, want.value));
  REQUIRE(got.key.has_value() == want.key.has_value());
  if (got.key) CHECK(same_json(*got.key, *want.key));
  CHECK(got.node == want.node);
  CHECK(got.error == want.error);
  CHECK(got.line == want.line);
}

class Lines {
 public:
  explicit Lines(unsigned seed) : rnd_(seed) {}

  std::string line() {
    // Half the lines are ops the rules accept (their values still anything);
    // the rest bend the rules, field by field or in the bytes.
    clean_ = pick(10);
    std::string s = ws() + "{" + ws();
    static const char* const keys[] = {"index", "time", "process", "type", "f", "value", "key",
                                       "node", "error", "other", "valu\\u0065", "", "f"};
    std::vector<std::string> fields;
    if (pick(10)) fields.push_back(field("index", nat()));
    if (pick(8)) fields.push_back(field("time", nat()));
    if (clean_ || pick(19)) fields.push_back(field("process", pick(17) ? nat() : pick(2) || clean_ ? "\"nemesis\"" : value(0)));
    if (clean_ || pick(19)) fields.push_back(field("type", pick(18) || clean_ ? type() : value(0)));
    if (clean_ || pick(15)) fields.push_back(field("f", pick(18) || clean_ ? name() : value(0)));
    if (pick(15)) fields.push_back(field("value", value(0)));
    if (pick(4)) fields.push_back(field("key", value(0)));
    if (pick(3)) fields.push_back(field("node", pick(3) || clean_ ? name() : value(0)));
    if (pick(3)) fields.push_back(field("error", pick(3) || clean_ ? name() : value(0)));
    // A field of no meaning to faultline, or (not clean) any field again.
    if (!pick(6)) fields.push_back(field(keys[clean_ ? 9 + rnd_() % 3 : rnd_() % std::size(keys)], value(0)));
    if (!clean_ && !pick(16)) fields.push_back(fields.empty() ? field("f", name()) : fields[rnd_() % fields.size()]);
    std::shuffle(fields.begin(), fields.end(), rnd_);
    for (std::size_t i = 0; i < fields.size(); ++i) s += (i ? "," + ws() : "") + fields[i];
    s += ws() + "}" + ws();
    // Now and then a corruption: cut short, or a byte changed.
    if (!clean_ && !pick(12) && !s.empty()) {
      std::size_t at = rnd_() % s.size();
      if (pick(10))
        s.resize(at);
      else
        s[at] = "x,:\"{}[]\\0 9-."[rnd_() % 14];
    }
    return s;
  }

 private:
  bool pick(int in20) { return static_cast<int>(rnd_() % 20) < in20; }
  std::string ws() { return pick(2) ? std::string(1, " \t\r"[rnd_() % 3]) : ""; }
  std::string field(const std::string& k, const std::string& v) { return "\"" + k + "\"" + ws() + ":" + ws() + v; }
  std::string nat() {
    if (clean_) return std::to_string(rnd_() % 100000);
    static const char* const n[] = {"0", "7", "1200", "123456789012345678", "1234567890123456789",
                                    "99999999999999999999", "9223372036854775807", "-1", "01", "1.0", "1e3", "-0"};
    return pick(17) ? std::to_string(rnd_() % 100000) : n[rnd_() % std::size(n)];
  }
  std::string type() {
    static const char* const t[] = {"\"invoke\"", "\"ok\"", "\"fail\"", "\"info\"", "\"done\"", "\"OK\"", "\"o\\u006b\""};
    return t[rnd_() % (clean_ ? 4 : std::size(t))];
  }
  std::string name() {
    static const char* const n[] = {"\"read\"", "\"write\"", "\"cas\"", "\"\"", "\"nemesis\"", "\"n1\"", "\"\x7f\"",
                                    "\"wr\\u0069te\"", "\"\xc3\xa9t\xc3\xa9\"", "\"a\\nb\"", "\"\xff\""};
    return n[rnd_() % (clean_ ? 7 : std::size(n))];
  }
  std::string value(int depth) {
    switch (rnd_() % (depth > 3 ? 6 : 9)) {
      case 0: return "null";
      case 1: return pick(10) ? "true" : "false";
      case 2: return nat();
      case 3: return std::to_string(static_cast<int>(rnd_() % 200) - 100);
      case 4: return name();
      case 5: return pick(18) ? std::to_string(rnd_() % 10) : "-5e-1";
      case 6:
      case 7: {
        std::string s = "[" + ws();
        int n = static_cast<int>(rnd_() % 4);
        if (depth == 0 && pick(3)) {  // a transaction's micro-ops
          for (int i = 0; i < n + 1; ++i)
            s += (i ? "," : "") + std::string("[\"append\",") + std::to_string(i) + "," + value(depth + 2) + "]";
          return s + "]";
        }
        for (int i = 0; i < n; ++i) s += (i ? "," + ws() : "") + value(depth + 1);
        return s + ws() + "]";
      }
      default: {
        std::string s = "{" + ws();
        int n = static_cast<int>(rnd_() % 3);
        for (int i = 0; i < n; ++i)
          s += (i ? "," : "") + std::string(pick(18) ? "\"k" + std::to_string(rnd_() % 3) + "\"" : "\"\\u006b\"") + ":" +
               ws() + value(depth + 1);
        return s + "}";
      }
    }
  }

  std::mt19937 rnd_;
  bool clean_ = false;
};

}  // namespace

TEST_CASE("the JSONL fast path builds what the general parser builds, or leaves the line to it") {
  Lines gen(20261206);
  int fast = 0, slow_ok = 0, errors = 0;
  Op reused;  // the fast path must reset every field of a reused op
  for (int i = 0; i < 20000; ++i) {
    std::string line = gen.line();
    INFO(line);
    Reference want = reference(line);
    std::string_view text;
    bool took = fast_jsonl_op(line, 1, reused, &text);
    if (took) {
      ++fast;
      REQUIRE(want.ok);
      Op op = reused;
      if (!text.empty()) op.value = fast_json_value(text);
      check_same_op(op, want.op);
      if (!text.empty()) CHECK(same_json(Json::parse(text.begin(), text.end()), want.op.value));
    }
    // And through the reader's entry points, whichever path they take.
    try {
      Op op = parse_jsonl_op(line, "h.jsonl", 1);
      REQUIRE(want.ok);
      if (!took) ++slow_ok;
      check_same_op(op, want.op);
      Op lazy = parse_jsonl_op_lazy(line, "h.jsonl", 1, false, text);
      if (!text.empty()) lazy.value = Json::parse(text.begin(), text.end());
      check_same_op(lazy, want.op);
    } catch (const BadInput& e) {
      ++errors;
      CHECK_FALSE(want.ok);
      CHECK(e.line() == 1);
      if (want.field_error) CHECK(std::string(e.what()) == want.what);
    }
  }
  // The generator must reach all three outcomes, the fast path most of all.
  CHECK(fast > 5000);
  CHECK(slow_ok > 500);
  CHECK(errors > 500);
}

TEST_CASE("the fast path keeps nlohmann's number kinds and the nesting limit") {
  Op op;
  std::string_view text;
  REQUIRE(fast_jsonl_op(R"({"process":0,"type":"ok","f":"r","value":[3,-3,{"a":[true,null]}],"key":5})", 1, op, nullptr));
  CHECK(op.value[0].is_number_unsigned());
  CHECK(op.value[1].is_number_integer());
  CHECK_FALSE(op.value[1].is_number_unsigned());
  CHECK(op.key->is_number_unsigned());
  // 255 levels inside the op's object are the most the general parser takes.
  std::string deep = std::string(255, '[') + std::string(255, ']');
  CHECK(fast_jsonl_op("{\"process\":0,\"type\":\"ok\",\"f\":\"r\",\"value\":" + deep + "}", 1, op, &text));
  CHECK(text.size() == 510);
  deep = "[" + deep + "]";
  CHECK_FALSE(fast_jsonl_op("{\"process\":0,\"type\":\"ok\",\"f\":\"r\",\"value\":" + deep + "}", 1, op, &text));
  CHECK_THROWS_AS(parse_jsonl_op("{\"process\":0,\"type\":\"ok\",\"f\":\"r\",\"value\":" + deep + "}", "h", 1), BadInput);
}

TEST_CASE("a JSONL history read through the fast path equals one read line by line") {
  std::ostringstream text;
  for (int i = 0; i < 3000; ++i)
    text << "{\"index\":" << i << ",\"process\":" << i % 7 << ",\"type\":\"" << (i % 14 < 7 ? "invoke" : "ok")
         << "\",\"f\":\"w\",\"value\":[" << i << "]}\n";
  std::istringstream in(text.str());
  History h = read_jsonl(in, "h.jsonl");
  REQUIRE(h.size() == 3000);
  CHECK(h[2999].value == Json::array({2999}));
  CHECK(h[2999].line == 3000);
  CHECK(h.pairs().size() == 1502);  // 214 rounds of 7 invocations, then 4
}
