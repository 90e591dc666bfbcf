// JSONL reader. Two paths give the same ops: the fast path of jsonl_fast.h
// for the common shape of an op line, and nlohmann's parser for everything
// else. The fast path never reports errors: on anything it does not fully
// understand it gives up and the slow path decides, so every error sentence
// comes from one place.
#include "history/jsonl.h"

#include <sys/mman.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "history/error.h"
#include "history/jsonl_fast.h"
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

}  // namespace

Op parse_jsonl_op(std::string_view line, const std::string& source, std::int64_t line_no, bool unterminated) {
  Op op;
  if (fast_jsonl_op(line, line_no, op, nullptr)) return op;
  return slow_op(line, source, line_no, unterminated);
}

Op parse_jsonl_op_lazy(std::string_view line, const std::string& source, std::int64_t line_no, bool unterminated,
                      std::string_view& value_text) {
  Op op;
  if (fast_jsonl_op(line, line_no, op, &value_text)) return op;
  value_text = {};
  return slow_op(line, source, line_no, unterminated);
}

void parse_jsonl_op_lazy(Op& op, std::string_view line, const std::string& source, std::int64_t line_no,
                         bool unterminated, std::string_view& value_text) {
  if (fast_jsonl_op(line, line_no, op, &value_text)) return;
  value_text = {};
  op = slow_op(line, source, line_no, unterminated);
}

namespace {

// Bytes from the stream's position to its end; -1 when it cannot seek.
std::int64_t bytes_left(std::istream& in) {
  auto here = in.tellg();
  if (here == std::istream::pos_type(-1)) return -1;
  in.seekg(0, std::ios::end);
  auto end = in.tellg();
  in.seekg(here);
  if (!in || end == std::istream::pos_type(-1)) {
    in.clear();
    in.seekg(here);
    return -1;
  }
  return static_cast<std::int64_t>(end - here);
}

// Asks for transparent huge pages under a large block not yet written: the
// first write to each 4 KiB page of fresh memory is a page fault, and on a
// virtual machine those faults were most of the time read_jsonl took. Only
// advice: where the kernel declines, nothing changes.
void huge_pages(void* data, std::size_t bytes) {
  constexpr std::uintptr_t kHuge = 2 << 20;
  auto begin = (reinterpret_cast<std::uintptr_t>(data) + kHuge - 1) & ~(kHuge - 1);
  auto end = (reinterpret_cast<std::uintptr_t>(data) + bytes) & ~(kHuge - 1);
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

}  // namespace

History read_jsonl(std::istream& in, const std::string& source) {
  // The ops are built in place: growing the vector would copy every op
  // built so far (and touch twice the memory). Once the first lines tell
  // how long a line is, room for the whole file is reserved, a little more
  // than it needs (memory never written costs nothing but address space).
  constexpr std::size_t kSample = 1024;
  const std::int64_t size = bytes_left(in);
  LineReader lines(in);
  std::vector<Op> ops;
  ops.reserve(kSample);
  std::string_view line;
  while (lines.next(line)) {
    std::size_t i = 0;
    while (i < line.size() && is_ws(line[i])) ++i;
    if (i == line.size()) continue;
    if (ops.size() == kSample && size > 0) {
      double per_line = static_cast<double>(lines.consumed()) / static_cast<double>(lines.line_number());
      ops.reserve(static_cast<std::size_t>(static_cast<double>(size) / per_line * 1.1) + kSample);
      huge_pages(ops.data(), ops.capacity() * sizeof(Op));
    }
    Op& op = ops.emplace_back();
    if (!fast_jsonl_op(line, lines.line_number(), op, nullptr))
      op = slow_op(line, source, lines.line_number(), lines.unterminated());
  }
  if (in.bad()) throw BadInput(source, lines.line_number(), "read error");
  return History(std::move(ops), source);
}

}  // namespace fl
