// JSONL reader. Two paths give the same ops: a fast path that understands
// the common shape of an op line (ASCII, flat fields, small integers, strings
// without escapes) and builds the op without a DOM, and nlohmann's parser for
// everything else. The fast path never reports errors: on anything it does not
// fully understand it gives up and the slow path decides, so every error
// sentence comes from one place.
#include "history/jsonl.h"

#include <cstring>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "history/error.h"
#include "history/line_reader.h"
#include "history/op_fields.h"

namespace fl {
namespace {

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Deepest nesting of [ and { outside strings, stopping early past the limit.
int nesting(std::string_view s) {
  int depth = 0, deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest) deepest = depth;
      if (deepest > kMaxNesting) return deepest;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

// nlohmann's message minus its "[json.exception…]" prefix and the raw bytes
// it quotes ("last read: …"), which may be invalid UTF-8 or very long.
std::string parse_error_sentence(const Json::parse_error& e) {
  std::string what = e.what();
  std::string reason = what;
  auto colon = what.find(": ", what.find("column "));
  if (colon != std::string::npos) reason = what.substr(colon + 2);
  auto last = reason.find("; last read");
  if (last != std::string::npos) reason.erase(last);
  return fmt::format("not valid JSON at column {}: {}", e.byte, reason);
}

const char* kind_of(const Json& j) {
  switch (j.type()) {
    case Json::value_t::array: return "an array";
    case Json::value_t::string: return "a string";
    case Json::value_t::null: return "null";
    case Json::value_t::boolean: return "a boolean";
    default: return "a number";
  }
}

Op slow_op(std::string_view line, const std::string& source, std::int64_t line_no, bool unterminated) {
  const char* cut = unterminated ? "the last line is cut short: " : "";
  if (nesting(line) > kMaxNesting)
    throw BadInput(source, line_no, fmt::format("value nested deeper than {} levels", kMaxNesting));
  Json j;
  try {
    j = Json::parse(line.begin(), line.end());
  } catch (const Json::parse_error& e) {
    throw BadInput(source, line_no, cut + parse_error_sentence(e));
  } catch (const Json::exception& e) {
    // out_of_range.406: a number too large for a double, e.g. 1e400.
    std::string what = e.what();
    auto sp = what.find("] ");
    throw BadInput(source, line_no,
                   fmt::format("not a usable number: {}", sp == std::string::npos ? what : what.substr(sp + 2)));
  }
  if (!j.is_object())
    throw BadInput(source, line_no, fmt::format("expected a JSON object (one op per line), got {}", kind_of(j)));
  OpFields fields(source, line_no);
  for (auto& item : j.items()) fields.set(item.key(), std::move(item.value()));
  return fields.finish();
}

// ---- the fast path ----

struct Field {
  std::string_view name;
  enum Kind { Str, Int, Other } kind;
  std::string_view text;  // Str: the characters; Other: the JSON text
  std::int64_t num;       // Int (set only then: the array is not zeroed per line)
};

// A string without escapes, control characters or non-ASCII bytes; p is
// past the opening quote. Returns the position after the closing quote.
const char* plain_string(const char* p, const char* end) {
  while (p < end) {
    auto c = static_cast<unsigned char>(*p);
    if (c == '"') return p + 1;
    if (c == '\\' || c < 0x20 || c >= 0x80) return nullptr;
    ++p;
  }
  return nullptr;
}

// The end of a nested array/object starting at p, or nullptr.
const char* container_end(const char* p, const char* end) {
  int depth = 0;
  while (p < end) {
    char c = *p++;
    if (c == '"') {
      if (!(p = plain_string(p, end))) return nullptr;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxNesting) return nullptr;
    } else if (c == ']' || c == '}') {
      if (--depth == 0) return p;
    } else if (static_cast<unsigned char>(c) >= 0x80) {
      return nullptr;
    }
  }
  return nullptr;
}

bool is_delim(char c) { return c == ',' || c == '}' || c == ']' || is_ws(c); }

// Parses the line into fields; false when the line is not of the simple shape.
bool fast_fields(std::string_view line, Field* fields, int& n) {
  const char* p = line.data();
  const char* end = p + line.size();
  auto skip = [&] { while (p < end && is_ws(*p)) ++p; };
  skip();
  if (p == end || *p++ != '{') return false;
  skip();
  n = 0;
  if (p < end && *p == '}') {
    ++p;
  } else {
    for (;;) {
      if (n == 16) return false;
      Field& f = fields[n++];
      if (p == end || *p != '"') return false;
      const char* k = p + 1;
      if (!(p = plain_string(k, end))) return false;
      f.name = std::string_view(k, p - 1 - k);
      skip();
      if (p == end || *p++ != ':') return false;
      skip();
      if (p == end) return false;
      const char* v = p;
      if (*p == '"') {
        if (!(p = plain_string(p + 1, end))) return false;
        f.kind = Field::Str;
        f.text = std::string_view(v + 1, p - 1 - (v + 1));
      } else if (*p == '[' || *p == '{') {
        if (!(p = container_end(p, end))) return false;
        f.kind = Field::Other;
        f.text = std::string_view(v, p - v);
      } else {
        while (p < end && !is_delim(*p)) ++p;
        f.text = std::string_view(v, p - v);
        f.kind = Field::Other;
        // Small integers directly; anything else (floats, huge numbers,
        // literals) goes through nlohmann below.
        std::string_view t = f.text;
        bool neg = !t.empty() && t[0] == '-';
        std::string_view digits = t.substr(neg ? 1 : 0);
        if (!digits.empty() && digits.size() <= 18 && (digits[0] != '0' || (digits.size() == 1 && !neg))) {
          std::int64_t x = 0;
          bool ok = true;
          for (char c : digits) {
            if (c < '0' || c > '9') { ok = false; break; }
            x = x * 10 + (c - '0');
          }
          if (ok) {
            f.kind = Field::Int;
            f.num = neg ? -x : x;
          }
        }
      }
      skip();
      if (p == end) return false;
      if (*p == ',') {
        ++p;
        skip();
        continue;
      }
      if (*p++ != '}') return false;
      break;
    }
  }
  skip();
  return p == end;
}

// nlohmann's own convention: a non-negative integer is number_unsigned. The
// fast path must build the very same JSON (hashes differ between the kinds).
Json int_json(std::int64_t x) {
  return x >= 0 ? Json(static_cast<std::uint64_t>(x)) : Json(x);
}

// True when t is exactly one JSON value made only of what the fast path
// understands: strings without escapes (container_end already checked they
// are plain ASCII), integers of at most 18 digits without a leading zero,
// null, true, false, arrays and objects. Such a text is valid JSON, so it may
// be decoded later without any error (a lazily decoded "value").
bool simple_json(std::string_view t) {
  const char* p = t.data();
  const char* end = p + t.size();
  char stack[kMaxNesting + 1];  // the open containers
  int depth = 0;
  auto skip = [&] { while (p < end && is_ws(*p)) ++p; };
  auto literal = [&](const char* word) {
    std::size_t len = std::strlen(word);
    if (static_cast<std::size_t>(end - p) < len || std::memcmp(p, word, len) != 0) return false;
    p += len;
    return true;
  };
  for (;;) {
    // A value (or, inside an object, a key and its value) is expected.
    skip();
    if (p == end) return false;
    if (depth && stack[depth - 1] == '{') {
      if (*p != '"' || !(p = plain_string(p + 1, end))) return false;
      skip();
      if (p == end || *p++ != ':') return false;
      skip();
      if (p == end) return false;
    }
    char c = *p;
    bool opened = false;
    if (c == '[' || c == '{') {
      if (depth == kMaxNesting) return false;
      stack[depth++] = c;
      ++p;
      skip();
      if (p < end && *p == (c == '[' ? ']' : '}')) {
        ++p;
        --depth;
      } else {
        opened = true;
      }
    } else if (c == '"') {
      if (!(p = plain_string(p + 1, end))) return false;
    } else if (c == 'n' || c == 't' || c == 'f') {
      if (!literal(c == 'n' ? "null" : c == 't' ? "true" : "false")) return false;
    } else {
      if (c == '-') ++p;
      const char* digits = p;
      while (p < end && *p >= '0' && *p <= '9') ++p;
      std::size_t nd = static_cast<std::size_t>(p - digits);
      if (nd == 0 || nd > 18 || (digits[0] == '0' && (nd > 1 || c == '-'))) return false;
    }
    if (opened) continue;
    // After a value: a comma, or the ends of containers.
    for (;;) {
      skip();
      if (depth == 0) return p == end;
      if (p == end) return false;
      if (*p == ',') {
        ++p;
        break;
      }
      if (*p != (stack[depth - 1] == '[' ? ']' : '}')) return false;
      ++p;
      --depth;
    }
  }
}

// `lazy_value`: when not null and the line's one "value" field (with an "f"
// field beside it: a missing f is decided from the value) is simple JSON, its
// text is left undecoded there and the op's value stays null.
bool fast_op(std::string_view line, const std::string& source, std::int64_t line_no, Op& out,
             std::string_view* lazy_value = nullptr) {
  Field fields[16];
  int n = 0;
  if (!fast_fields(line, fields, n)) return false;
  int lazy = -1;
  if (lazy_value) {
    int values = 0, fs = 0;
    for (int i = 0; i < n; ++i) {
      if (fields[i].name == "value") {
        ++values;
        lazy = i;
      }
      if (fields[i].name == "f") ++fs;
    }
    if (values != 1 || fs == 0 || fields[lazy].kind != Field::Other || !simple_json(fields[lazy].text)) lazy = -1;
  }
  // Decode the JSON texts first: a syntax error must win over a field error,
  // and only the slow path may report it.
  std::optional<Json> others[16];  // optional: 16 JSON values per line cost
  for (int i = 0; i < n; ++i) {
    if (fields[i].kind != Field::Other || i == lazy) continue;
    std::string_view t = fields[i].text;
    if (t == "null") {
      others[i].emplace();
      continue;
    }
    if (t == "true" || t == "false") {
      others[i].emplace(t == "true");
      continue;
    }
    try {
      others[i].emplace(Json::parse(t.begin(), t.end()));
    } catch (const Json::exception&) {
      return false;
    }
  }
  OpFields op(source, line_no);
  for (int i = 0; i < n; ++i) {
    const Field& f = fields[i];
    if (f.kind == Field::Str) {
      if (f.name == "type")
        op.set_type(f.text);
      else if (f.name == "f")
        op.set_f(std::string(f.text));
      else
        op.set(f.name, Json(std::string(f.text)));
    } else if (f.kind == Field::Int) {
      if (f.name == "process" && f.num >= 0)
        op.set_process(f.num);
      else
        op.set(f.name, int_json(f.num));
    } else if (i != lazy) {
      op.set(f.name, std::move(*others[i]));
    }
  }
  out = op.finish();
  if (lazy >= 0) *lazy_value = fields[lazy].text;
  return true;
}

}  // namespace

Op parse_jsonl_op(std::string_view line, const std::string& source, std::int64_t line_no, bool unterminated) {
  Op op;
  if (fast_op(line, source, line_no, op)) return op;
  return slow_op(line, source, line_no, unterminated);
}

Op parse_jsonl_op_lazy(std::string_view line, const std::string& source, std::int64_t line_no, bool unterminated,
                      std::string_view& value_text) {
  Op op;
  value_text = {};
  if (fast_op(line, source, line_no, op, &value_text)) return op;
  return slow_op(line, source, line_no, unterminated);
}

History read_jsonl(std::istream& in, const std::string& source) {
  LineReader lines(in);
  std::vector<Op> ops;
  std::string_view line;
  while (lines.next(line)) {
    std::size_t i = 0;
    while (i < line.size() && is_ws(line[i])) ++i;
    if (i == line.size()) continue;
    ops.push_back(parse_jsonl_op(line, source, lines.line_number(), lines.unterminated()));
  }
  if (in.bad()) throw BadInput(source, lines.line_number(), "read error");
  return History(std::move(ops), source);
}

}  // namespace fl
