// One pass over the line: each field's value is checked and stored as it is
// met, the way OpFields would store it (a field given twice keeps the last
// value). What it accepts is a subset of what nlohmann accepts, decoded to the
// same JSON — in particular a non-negative integer is number_unsigned, as
// nlohmann makes it (the two kinds hash differently).
#include "history/jsonl_fast.h"

#include <cstring>

#include "history/op_fields.h"

namespace fl {
// Named: in a unity build, jsonl.cpp shares this file's anonymous namespace.
namespace fast_line {

inline bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

inline const char* skip_ws(const char* p, const char* end) {
  while (p < end && is_ws(*p)) ++p;
  return p;
}

// Eight bytes at p, the first in the low byte (SWAR below is little-endian).
inline std::uint64_t load8(const char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  v = __builtin_bswap64(v);
#endif
  return v;
}

constexpr std::uint64_t kOnes = 0x0101010101010101ull, kHighs = 0x8080808080808080ull;

// The high bit of each byte of v that is zero (exact up to the first such byte).
inline std::uint64_t zero_bytes(std::uint64_t v) { return (v - kOnes) & ~v & kHighs; }

// A string without escapes, control characters or non-ASCII bytes; p is
// past the opening quote. Returns the position after the closing quote.
// Eight bytes at a time while the line has them: the first byte that is a
// quote, a backslash, a control character or non-ASCII ends the run.
inline const char* plain_string(const char* p, const char* end) {
  while (end - p >= 8) {
    std::uint64_t v = load8(p);
    std::uint64_t special = zero_bytes(v ^ (kOnes * '"')) | zero_bytes(v ^ (kOnes * '\\')) |
                            ((v - kOnes * 0x20) & ~v & kHighs) | (v & kHighs);
    if (special) {
      p += __builtin_ctzll(special) >> 3;
      return *p == '"' ? p + 1 : nullptr;
    }
    p += 8;
  }
  while (p < end) {
    auto c = static_cast<unsigned char>(*p);
    if (c == '"') return p + 1;
    if (c == '\\' || c < 0x20 || c >= 0x80) return nullptr;
    ++p;
  }
  return nullptr;
}

// How many of the eight bytes of v, from the first, are ASCII digits.
inline int leading_digits(std::uint64_t v) {
  // A byte is a digit when its high nibble is 3 and adding 6 keeps it so.
  std::uint64_t not_digit = ((v & 0xF0F0F0F0F0F0F0F0ull) | (((v + kOnes * 6) & 0xF0F0F0F0F0F0F0F0ull) >> 4)) ^
                            0x3333333333333333ull;
  return not_digit ? __builtin_ctzll(not_digit) >> 3 : 8;
}

// The value of eight ASCII digits, the first the most significant.
inline std::uint64_t eight_digits(std::uint64_t v) {
  v = (v & 0x0F0F0F0F0F0F0F0Full) * 2561 >> 8;
  v = (v & 0x00FF00FF00FF00FFull) * 6553601 >> 16;
  return (v & 0x0000FFFF0000FFFFull) * 42949672960001ull >> 32;
}

// An integer of at most 18 digits (so it fits in int64) without a leading
// zero and other than "-0", followed by something that cannot continue a
// number (a fraction or an exponent is left to nlohmann).
inline const char* small_int(const char* p, const char* end, std::int64_t& out) {
  bool neg = p < end && *p == '-';
  if (neg) ++p;
  const char* digits = p;
  std::uint64_t x = 0;  // unsigned: a longer number wraps harmlessly before it is refused
  if (end - p >= 8) {
    std::uint64_t v = load8(p);
    if (leading_digits(v) == 8) {
      x = eight_digits(v);
      p += 8;
    }
  }
  while (p < end && static_cast<unsigned>(*p - '0') < 10) x = x * 10 + static_cast<unsigned>(*p++ - '0');
  auto n = p - digits;
  if (n == 0 || n > 18 || (*digits == '0' && (n > 1 || neg))) return nullptr;
  if (p < end && (*p == '.' || *p == 'e' || *p == 'E')) return nullptr;
  out = neg ? -static_cast<std::int64_t>(x) : static_cast<std::int64_t>(x);
  return p;
}

// key == name, with the length known at compile time (so no call to memcmp).
template <std::size_t N>
inline bool is(std::string_view key, const char (&name)[N]) {
  return key.size() == N - 1 && std::memcmp(key.data(), name, N - 1) == 0;
}

// parse_op_type, for the fast path.
inline bool op_type(std::string_view s, OpType& out) {
  if (is(s, "ok")) out = OpType::Ok;
  else if (is(s, "invoke")) out = OpType::Invoke;
  else if (is(s, "fail")) out = OpType::Fail;
  else if (is(s, "info")) out = OpType::Info;
  else return false;
  return true;
}

template <std::size_t N>
inline bool literal(const char* p, const char* end, const char (&word)[N]) {
  return static_cast<std::size_t>(end - p) >= N - 1 && std::memcmp(p, word, N - 1) == 0;
}

// nlohmann's convention: a non-negative integer is number_unsigned.
inline Json int_json(std::int64_t x) { return x >= 0 ? Json(static_cast<std::uint64_t>(x)) : Json(x); }

// Skips one simple value at p (depth counts the containers around it, the
// op's object included); nullptr when it is not one.
const char* skip_value(const char* p, const char* end, int depth) {
  if (p == end) return nullptr;
  std::int64_t x;
  switch (*p) {
    case '"': return plain_string(p + 1, end);
    case 'n': return literal(p, end, "null") ? p + 4 : nullptr;
    case 't': return literal(p, end, "true") ? p + 4 : nullptr;
    case 'f': return literal(p, end, "false") ? p + 5 : nullptr;
    case '[':
    case '{': {
      if (depth + 1 > kMaxNesting) return nullptr;
      const bool object = *p == '{';
      const char close = object ? '}' : ']';
      p = skip_ws(p + 1, end);
      if (p < end && *p == close) return p + 1;
      for (;;) {
        if (object) {
          if (p == end || *p != '"' || !(p = plain_string(p + 1, end))) return nullptr;
          p = skip_ws(p, end);
          if (p == end || *p++ != ':') return nullptr;
          p = skip_ws(p, end);
        }
        if (!(p = skip_value(p, end, depth + 1))) return nullptr;
        p = skip_ws(p, end);
        if (p == end) return nullptr;
        if (*p == close) return p + 1;
        if (*p++ != ',') return nullptr;
        p = skip_ws(p, end);
      }
    }
    default: return small_int(p, end, x);
  }
}

// As skip_value, and decodes the value into `out`.
const char* build_value(const char* p, const char* end, int depth, Json& out) {
  if (p == end) return nullptr;
  switch (*p) {
    case '"': {
      const char* s = p + 1;
      if (!(p = plain_string(s, end))) return nullptr;
      out = std::string(s, p - 1 - s);
      return p;
    }
    case 'n':
      if (!literal(p, end, "null")) return nullptr;
      out = nullptr;
      return p + 4;
    case 't':
      if (!literal(p, end, "true")) return nullptr;
      out = true;
      return p + 4;
    case 'f':
      if (!literal(p, end, "false")) return nullptr;
      out = false;
      return p + 5;
    case '[': {
      if (depth + 1 > kMaxNesting) return nullptr;
      out = Json::array();
      auto& items = out.get_ref<Json::array_t&>();
      p = skip_ws(p + 1, end);
      if (p < end && *p == ']') return p + 1;
      for (;;) {
        items.emplace_back();
        if (!(p = build_value(p, end, depth + 1, items.back()))) return nullptr;
        p = skip_ws(p, end);
        if (p == end) return nullptr;
        if (*p == ']') return p + 1;
        if (*p++ != ',') return nullptr;
        p = skip_ws(p, end);
      }
    }
    case '{': {
      if (depth + 1 > kMaxNesting) return nullptr;
      out = Json::object();
      auto& fields = out.get_ref<Json::object_t&>();
      p = skip_ws(p + 1, end);
      if (p < end && *p == '}') return p + 1;
      for (;;) {
        if (p == end || *p != '"') return nullptr;
        const char* k = p + 1;
        if (!(p = plain_string(k, end))) return nullptr;
        Json& slot = fields[std::string(k, p - 1 - k)];
        p = skip_ws(p, end);
        if (p == end || *p++ != ':') return nullptr;
        p = skip_ws(p, end);
        if (!(p = build_value(p, end, depth + 1, slot))) return nullptr;
        p = skip_ws(p, end);
        if (p == end) return nullptr;
        if (*p == '}') return p + 1;
        if (*p++ != ',') return nullptr;
        p = skip_ws(p, end);
      }
    }
    default: {
      std::int64_t x;
      if (!(p = small_int(p, end, x))) return nullptr;
      out = int_json(x);
      return p;
    }
  }
}

// A non-negative integer field (index, time, process).
inline const char* natural(const char* p, const char* end, std::int64_t& out) {
  if (p == end || *p == '-') return nullptr;
  return small_int(p, end, out);
}

// A string field's characters; p is at its opening quote.
inline const char* string_field(const char* p, const char* end, std::string_view& out) {
  if (p == end || *p != '"') return nullptr;
  const char* s = p + 1;
  if (!(p = plain_string(s, end))) return nullptr;
  out = std::string_view(s, static_cast<std::size_t>(p - 1 - s));
  return p;
}

// A string or null field (node, error): null clears it, as OpFields does.
inline const char* optional_string(const char* p, const char* end, std::string& out) {
  if (literal(p, end, "null")) {
    out.clear();
    return p + 4;
  }
  std::string_view s;
  if (!(p = string_field(p, end, s))) return nullptr;
  out.assign(s.data(), s.size());
  return p;
}

}  // namespace fast_line

bool fast_jsonl_op(std::string_view line, std::int64_t line_no, Op& op, std::string_view* value_text) {
  using namespace fast_line;  // here only: in a unity build a file-wide one would reach the files after this one
  op.index = -1;
  op.time = -1;
  op.process = 0;
  op.type = OpType::Invoke;
  op.f.clear();
  op.value = nullptr;
  op.key.reset();
  op.node.clear();
  op.error.clear();
  op.line = line_no;
  std::string_view text;  // the lazy value
  bool has_process = false, has_type = false, has_f = false;

  const char* p = line.data();
  const char* end = p + line.size();
  p = skip_ws(p, end);
  if (p == end || *p++ != '{') return false;
  p = skip_ws(p, end);
  if (p < end && *p == '}') return false;  // no fields: the general path names the missing one
  for (;;) {
    std::string_view key;
    if (!(p = string_field(p, end, key))) return false;
    p = skip_ws(p, end);
    if (p == end || *p++ != ':') return false;
    p = skip_ws(p, end);
    if (p == end) return false;
    switch (key.size()) {
      case 1:
        if (key[0] == 'f') {
          std::string_view s;
          if (!(p = string_field(p, end, s))) return false;
          op.f.assign(s.data(), s.size());
          has_f = true;
          break;
        }
        p = skip_value(p, end, 1);
        break;
      case 3:
        if (is(key, "key")) {
          if (!op.key) op.key.emplace();
          p = build_value(p, end, 1, *op.key);
          break;
        }
        p = skip_value(p, end, 1);
        break;
      case 4:
        if (is(key, "time")) {
          p = natural(p, end, op.time);
        } else if (is(key, "type")) {
          std::string_view s;
          if (!(p = string_field(p, end, s))) return false;
          if (!op_type(s, op.type)) return false;
          has_type = true;
        } else if (is(key, "node")) {
          p = optional_string(p, end, op.node);
        } else {
          p = skip_value(p, end, 1);
        }
        break;
      case 5:
        if (is(key, "index")) {
          p = natural(p, end, op.index);
        } else if (is(key, "value")) {
          // Strings and integers are decoded at once (cheap, and what
          // readers of value_text have always been given); the rest may
          // wait when the caller wants it so.
          if (value_text && *p != '"' && *p != '-' && static_cast<unsigned>(*p - '0') >= 10) {
            const char* v = p;
            if (!(p = skip_value(p, end, 1))) return false;
            text = std::string_view(v, static_cast<std::size_t>(p - v));
            op.value = nullptr;
          } else {
            text = {};
            p = build_value(p, end, 1, op.value);
          }
        } else if (is(key, "error")) {
          p = optional_string(p, end, op.error);
        } else {
          p = skip_value(p, end, 1);
        }
        break;
      case 7:
        if (is(key, "process")) {
          if (*p == '"') {
            std::string_view s;
            if (!(p = string_field(p, end, s)) || !is(s, "nemesis")) return false;
            op.process = kNemesis;
          } else {
            p = natural(p, end, op.process);
          }
          has_process = true;
          break;
        }
        p = skip_value(p, end, 1);
        break;
      default: p = skip_value(p, end, 1);
    }
    if (!p) return false;
    p = skip_ws(p, end);
    if (p == end) return false;
    if (*p == ',') {
      p = skip_ws(p + 1, end);
      continue;
    }
    if (*p++ != '}') return false;
    break;
  }
  if (skip_ws(p, end) != end || !has_process || !has_type) return false;
  if (!has_f) {
    // Elle's transactions leave out f (OpFields::finish names them "txn").
    if (!text.empty()) {
      op.value = fast_json_value(text);
      text = {};
    }
    if (!is_txn_value(op.value)) return false;
    op.f = "txn";
  }
  if (value_text) *value_text = text;
  return true;
}

Json fast_json_value(std::string_view text) {
  Json j;
  fast_line::build_value(text.data(), text.data() + text.size(), 1, j);
  return j;
}

}  // namespace fl
