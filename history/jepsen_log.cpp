#include "history/jepsen_log.h"

#include <charconv>
#include <vector>

#include <fmt/format.h>

#include "history/edn.h"
#include "history/error.h"
#include "history/line_reader.h"
#include "history/op_fields.h"

namespace fl {
namespace {

constexpr std::string_view kMarker = "jepsen.util - ";

bool blank(char c) { return c == ' ' || c == '\t'; }

// Splits off the next blank-separated word of `rest`.
std::string_view word(std::string_view& rest) {
  std::size_t i = 0;
  while (i < rest.size() && blank(rest[i])) ++i;
  std::size_t j = i;
  while (j < rest.size() && !blank(rest[j])) ++j;
  std::string_view w = rest.substr(i, j - i);
  rest.remove_prefix(j);
  return w;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

bool is_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

struct Shape {
  std::string_view process, type, rest;
};

// The process, type and the rest of an op line; false for any other line.
bool shape(std::string_view line, Shape& out) {
  auto at = line.find(kMarker);
  if (at == std::string_view::npos) return false;
  std::string_view rest = line.substr(at + kMarker.size());
  out.process = word(rest);
  out.type = word(rest);
  out.rest = rest;
  if (!is_digits(out.process) && out.process != ":nemesis") return false;
  return out.type == ":invoke" || out.type == ":ok" || out.type == ":fail" || out.type == ":info";
}

Op parse_line(const Shape& s, EdnReader& edn, const std::string& source, std::int64_t line_no) {
  OpFields fields(source, line_no);
  bool nemesis = s.process == ":nemesis";
  if (nemesis) {
    fields.set_process(kNemesis);
  } else {
    std::int64_t p = 0;
    auto r = std::from_chars(s.process.data(), s.process.data() + s.process.size(), p);
    if (r.ec != std::errc()) throw BadInput(source, line_no, fmt::format("process number {} is too large", s.process));
    fields.set_process(p);
  }
  fields.set_type(s.type.substr(1));
  std::string_view rest = s.rest;
  std::string_view f = word(rest);
  if (f.size() < 2 || f[0] != ':')
    throw BadInput(source, line_no,
                   fmt::format("expected the op's function as a keyword (like :read) after {}", s.type));
  fields.set_f(std::string(f.substr(1)));
  std::string_view text = trim(rest);
  if (!text.empty()) {
    try {
      edn.reset(text, line_no);
      fields.set("value", edn.read_whole());
    } catch (const BadInput&) {
      // Nemesis values are free text in some Jepsen versions; keep them
      // (ASCII only: other bytes might not be UTF-8, which JSON needs).
      if (!nemesis) throw;
      for (char ch : text)
        if (static_cast<unsigned char>(ch) >= 0x80) throw;
      fields.set("value", Json(std::string(text)));
    }
  }
  return fields.finish();
}

}  // namespace

bool is_jepsen_op_line(std::string_view line) {
  Shape s;
  return shape(line, s);
}

History read_jepsen_log(std::istream& in, const std::string& source) {
  LineReader lines(in);
  std::vector<Op> ops;
  std::string_view line;
  Shape s;
  EdnReader edn(std::string_view(), source);
  while (lines.next(line))
    if (shape(line, s)) ops.push_back(parse_line(s, edn, source, lines.line_number()));
  if (in.bad()) throw BadInput(source, lines.line_number(), "read error");
  return History(std::move(ops), source);
}

}  // namespace fl
