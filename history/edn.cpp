#include "history/edn.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <memory>

#include <fmt/format.h>

#include "history/error.h"
#include "history/op_fields.h"
#include "history/utf8.h"

namespace fl {
namespace {

constexpr std::size_t kBlock = 1 << 20;

// Character classes by table: the token and whitespace loops are the hot path.
enum : unsigned char { kSpace = 1, kDelim = 2 };
struct Classes {
  unsigned char of[256] = {};
  Classes() {
    for (unsigned char c : std::string_view(" ,\n\t\r\f")) of[c] = kSpace | kDelim;
    for (unsigned char c : std::string_view("()[]{}\";")) of[c] = kDelim;
  }
};
const Classes kClasses;

bool is_space(int c) { return c >= 0 && (kClasses.of[c] & kSpace); }
bool is_delim(int c) { return c < 0 || (kClasses.of[c] & kDelim); }

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::optional<std::uint32_t> hex4(std::string_view s) {
  if (s.size() != 4) return std::nullopt;
  std::uint32_t v = 0;
  auto r = std::from_chars(s.data(), s.data() + 4, v, 16);
  if (r.ec != std::errc() || r.ptr != s.data() + 4) return std::nullopt;
  return v;
}

// A character's shown form in an error sentence.
std::string shown(int c) {
  if (c < 0) return "end of input";
  if (c >= 0x20 && c < 0x7F) return fmt::format("'{}'", static_cast<char>(c));
  return fmt::format("byte 0x{:02x}", c);
}

}  // namespace

EdnReader::EdnReader(std::istream& in, std::string source) : in_(&in), source_(std::move(source)) {}

EdnReader::EdnReader(std::string_view text, std::string source, std::int64_t first_line)
    : source_(std::move(source)), buf_(text), eof_(true), line_(first_line) {}

void EdnReader::fail(std::int64_t line, const std::string& what) const { throw BadInput(source_, line, what); }

bool EdnReader::fill() {
  if (eof_ || !in_) return false;
  std::size_t drop = anchor_ > base_ ? std::min(anchor_ - base_, pos_) : 0;
  if (drop >= kBlock) {  // forget consumed text only in big steps
    buf_.erase(0, drop);
    pos_ -= drop;
    base_ += drop;
  }
  // Through a scratch block: growing buf_ by a block would zero-fill it.
  if (!scratch_) scratch_.reset(new char[kBlock]);
  in_->read(scratch_.get(), kBlock);
  auto got = static_cast<std::size_t>(in_->gcount());
  buf_.append(scratch_.get(), got);
  if (got == 0) eof_ = true;
  return got > 0;
}

int EdnReader::raw_slow(std::size_t ahead) {
  while (pos_ + ahead >= buf_.size())
    if (!fill()) return -1;
  return static_cast<unsigned char>(buf_[pos_ + ahead]);
}

void EdnReader::skip_space() {
  for (;;) {
    int c = raw();
    if (is_space(c)) {
      advance();
    } else if (c == ';') {
      while ((c = raw()) >= 0 && c != '\n') advance();
    } else if (c == '#' && raw(1) == '_') {
      advance();
      advance();
      std::int64_t at = line_;
      enter(at);  // "#_ #_ #_ …" recurses too
      if (peek() < 0) fail(at, "#_ discards nothing: the input ends");
      read_form(nullptr);
      --depth_;
    } else {
      return;
    }
  }
}

int EdnReader::peek() {
  skip_space();
  return raw();
}

void EdnReader::consume() {
  if (raw() >= 0) advance();
}

bool EdnReader::read_keyword(std::string& name) {
  if (peek() != ':') return false;
  std::int64_t at = line_;
  advance();
  read_token(name);
  if (name.empty()) fail(at, "a keyword needs a name after ':'");
  return true;
}

void EdnReader::reset(std::string_view text, std::int64_t first_line) {
  in_ = nullptr;
  buf_.assign(text.data(), text.size());
  pos_ = base_ = anchor_ = 0;
  eof_ = true;
  line_ = first_line;
  depth_ = 0;
}

Json EdnReader::read(std::string* tag) {
  if (tag) tag->clear();
  return read_form(tag);
}

void EdnReader::enter(std::int64_t opened_at) {
  if (++depth_ > kMaxNesting) fail(opened_at, fmt::format("value nested deeper than {} levels", kMaxNesting));
}

Json EdnReader::read_form(std::string* tag) {
  int c = peek();
  std::int64_t at = line_;
  switch (c) {
    case -1: fail(at, "the input ends where a value was expected");
    case '[': advance(); return read_seq(']', "vector");
    case '(': advance(); return read_seq(')', "list");
    case '{': advance(); return read_map();
    case '"': advance(); return read_string();
    case '\\': advance(); return read_char();
    case ')': case ']': case '}':
      fail(at, fmt::format("unexpected '{}' with nothing open to close", static_cast<char>(c)));
    case ':': {
      advance();
      std::string name = read_token();
      if (name.empty()) fail(at, "a keyword needs a name after ':'");
      return Json(std::move(name));
    }
    case '#': {
      int next = raw(1);
      if (next == '{') {
        advance();
        advance();
        return read_seq('}', "set");
      }
      if (next == '"') {  // a regex: keep its source text
        advance();
        advance();
        return read_string();
      }
      if (next == '#') {  // ##Inf, ##-Inf, ##NaN have no JSON number
        advance();
        std::string sym = "#" + read_token();
        return Json(std::move(sym));
      }
      advance();
      std::string name = read_token();
      if (name.empty()) fail(at, fmt::format("'#' must start a tag, a set or a discard, not {}", shown(next)));
      enter(at);
      if (peek() < 0) fail(at, fmt::format("the tag #{} has no value: the input ends", name));
      Json v = read_form(nullptr);
      --depth_;
      if (tag) *tag = std::move(name);
      return v;
    }
    default: return read_atom();
  }
}

Json EdnReader::read_seq(char close, const char* what) {
  std::int64_t opened = line_;
  enter(opened);
  Json arr = Json::array();
  for (;;) {
    int c = peek();
    if (c == close) {
      advance();
      break;
    }
    if (c < 0) fail(opened, fmt::format("the {} opened on this line is never closed", what));
    if (c == ')' || c == ']' || c == '}')
      fail(line_, fmt::format("unexpected '{}': the {} opened on line {} needs '{}'", static_cast<char>(c), what,
                              opened, close));
    arr.push_back(read_form(nullptr));
  }
  --depth_;
  return arr;
}

Json EdnReader::read_map() {
  std::int64_t opened = line_;
  enter(opened);
  Json obj = Json::object();
  for (;;) {
    int c = peek();
    if (c == '}') {
      advance();
      break;
    }
    if (c < 0) fail(opened, "the map opened on this line is never closed");
    if (c == ')' || c == ']')
      fail(line_, fmt::format("unexpected '{}': the map opened on line {} needs '}}'", static_cast<char>(c), opened));
    std::size_t from = base_ + pos_;
    Json key = read_form(nullptr);
    std::size_t to = base_ + pos_;
    c = peek();
    if (c == '}' || c < 0)
      fail(opened, "the map opened on this line has an odd number of forms (a key without a value)");
    Json value = read_form(nullptr);
    // Keywords, strings and symbols name the key directly; any other key is
    // named by its EDN text, so [1 2] and {1 2} stay distinct keys.
    if (key.is_string())
      obj[key.get_ref<const std::string&>()] = std::move(value);
    else
      obj[buf_.substr(from - base_, to - from)] = std::move(value);
  }
  --depth_;
  return obj;
}

Json EdnReader::read_string() {
  std::int64_t opened = line_;
  std::string s;
  bool ascii = true;
  for (;;) {
    // Copy the run of plain characters in one go.
    std::size_t run = pos_;
    while (run < buf_.size()) {
      char ch = buf_[run];
      if (ch == '"' || ch == '\\' || ch == '\n') break;
      if (static_cast<unsigned char>(ch) >= 0x80) ascii = false;
      ++run;
    }
    s.append(buf_, pos_, run - pos_);
    pos_ = run;
    int c = raw();  // may read the next block
    if (c < 0) fail(opened, "the string opened on this line is never closed");
    if (c != '"' && c != '\\' && c != '\n') continue;  // the run went on past the block's end
    advance();
    if (c == '"') break;
    if (c == '\n') {
      s += '\n';
      continue;
    }
    // c == '\\'
    int e = raw();
    if (e < 0) fail(opened, "the string opened on this line is never closed");
    advance();
    switch (e) {
      case 'n': s += '\n'; break;
      case 't': s += '\t'; break;
      case 'r': s += '\r'; break;
      case 'b': s += '\b'; break;
      case 'f': s += '\f'; break;
      case '"': s += '"'; break;
      case '\\': s += '\\'; break;
      case '\'': s += '\''; break;
      case 'u': {
        std::string hex;
        for (int k = 0; k < 4 && raw() >= 0; ++k) {
          hex += static_cast<char>(raw());
          advance();
        }
        auto cp = hex4(hex);
        if (!cp) fail(line_, fmt::format("\\u must be followed by 4 hex digits, got \"{}\"", hex));
        std::uint32_t code = *cp;
        if (code >= 0xD800 && code <= 0xDBFF && raw() == '\\' && raw(1) == 'u') {
          advance();
          advance();
          std::string lo;
          for (int k = 0; k < 4 && raw() >= 0; ++k) {
            lo += static_cast<char>(raw());
            advance();
          }
          auto low = hex4(lo);
          if (!low || *low < 0xDC00 || *low > 0xDFFF) fail(line_, "\\u escape has a broken surrogate pair");
          code = 0x10000 + ((code - 0xD800) << 10) + (*low - 0xDC00);
        } else if (code >= 0xD800 && code <= 0xDFFF) {
          fail(line_, "\\u escape is a lone surrogate, not a character");
        }
        append_utf8(s, code);
        break;
      }
      default: fail(line_, fmt::format("unknown escape \\{} in a string", shown(e)));
    }
  }
  if (!ascii && !valid_utf8(s)) fail(opened, "string is not valid UTF-8");
  return Json(std::move(s));
}

std::string EdnReader::read_token() {
  std::string t;
  read_token(t);
  return t;
}

void EdnReader::read_token(std::string& t) {
  t.clear();
  std::size_t start = pos_;
  for (;;) {
    while (pos_ < buf_.size() && !(kClasses.of[static_cast<unsigned char>(buf_[pos_])] & kDelim)) ++pos_;
    t.append(buf_, start, pos_ - start);
    if (pos_ < buf_.size() || raw() < 0 || is_delim(raw())) break;
    start = pos_;  // raw() refilled the buffer mid-token
  }
  for (char ch : t)
    if (static_cast<unsigned char>(ch) >= 0x80) {
      if (!valid_utf8(t)) fail(line_, "symbol or keyword is not valid UTF-8");
      break;
    }
}

Json EdnReader::read_char() {
  std::int64_t at = line_;
  int first = raw();
  if (first < 0) fail(at, "a '\\' character literal needs a character");
  advance();
  std::string name(1, static_cast<char>(first));
  name += read_token();
  if (name.size() == 1) return Json(name);
  if (name == "newline") return Json("\n");
  if (name == "space") return Json(" ");
  if (name == "tab") return Json("\t");
  if (name == "return") return Json("\r");
  if (name == "backspace") return Json("\b");
  if (name == "formfeed") return Json("\f");
  if (name[0] == 'u' && name.size() == 5) {
    auto cp = hex4(std::string_view(name).substr(1));
    if (cp && (*cp < 0xD800 || *cp > 0xDFFF)) {
      std::string s;
      append_utf8(s, *cp);
      return Json(std::move(s));
    }
  }
  if (valid_utf8(name) && static_cast<unsigned char>(name[0]) >= 0x80) {
    // One non-ASCII character spans several bytes.
    std::size_t len = (name[0] & 0xE0) == 0xC0 ? 2 : (name[0] & 0xF0) == 0xE0 ? 3 : 4;
    if (name.size() == len) return Json(name);
  }
  fail(at, fmt::format("unknown character literal \\{}", name.size() > 20 ? name.substr(0, 20) + "..." : name));
}

Json EdnReader::read_atom() {
  std::int64_t at = line_;
  int c = raw();
  std::string t = read_token();
  if (t.empty()) fail(at, fmt::format("unexpected {}", shown(c)));
  bool sign = t[0] == '+' || t[0] == '-';
  bool numeric = (t[0] >= '0' && t[0] <= '9') || (sign && t.size() > 1 && t[1] >= '0' && t[1] <= '9');
  if (!numeric) {
    if (t == "nil") return Json();
    if (t == "true") return Json(true);
    if (t == "false") return Json(false);
    return Json(std::move(t));
  }
  std::string_view num = t;
  if (num[0] == '+') num.remove_prefix(1);
  bool big = num.back() == 'N';
  if (big) num.remove_suffix(1);
  std::string_view digits = num.substr(num[0] == '-' ? 1 : 0);
  bool integer = !digits.empty() && digits.find_first_not_of("0123456789") == std::string_view::npos;
  if (integer) {
    // nlohmann's convention (as its parser does): non-negative → unsigned.
    if (num[0] != '-') {
      std::uint64_t u = 0;
      auto r = std::from_chars(num.data(), num.data() + num.size(), u);
      if (r.ec == std::errc() && u <= static_cast<std::uint64_t>(INT64_MAX)) return Json(u);
    } else {
      std::int64_t i = 0;
      auto r = std::from_chars(num.data(), num.data() + num.size(), i);
      if (r.ec == std::errc()) return Json(i);
    }
    return Json(std::string(num));  // beyond int64: exact as text
  }
  if (big) fail(at, fmt::format("bad number {}", t));
  if (num.find('/') != std::string_view::npos) {  // a ratio such as 1/3
    auto slash = num.find('/');
    std::string_view d = num.substr(slash + 1);
    if (!d.empty() && d.find_first_not_of("0123456789") == std::string_view::npos) return Json(std::string(num));
    fail(at, fmt::format("bad number {}", t));
  }
  if (num.back() == 'M') num.remove_suffix(1);  // BigDecimal: as a double
  std::string f(num);
  if (f.find_first_not_of("0123456789+-.eE") != std::string::npos)
    fail(at, fmt::format("bad number {}", t));
  char* end = nullptr;
  errno = 0;
  double d = std::strtod(f.c_str(), &end);
  if (end != f.c_str() + f.size()) fail(at, fmt::format("bad number {}", t));
  if (errno == ERANGE && std::isinf(d)) fail(at, fmt::format("number {} is out of range", t));
  return Json(d);
}

Json EdnReader::read_whole() {
  std::int64_t first = line_;
  if (peek() < 0) fail(first, "no EDN value");
  Json v = read();
  if (peek() >= 0) fail(line_, "unexpected text after the value");
  return v;
}

Json parse_edn(std::string_view text, const std::string& source, std::int64_t first_line) {
  EdnReader r(text, source, first_line);
  return r.read_whole();
}

}  // namespace fl
