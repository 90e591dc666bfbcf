#include "history/json_array.h"

#include <iterator>
#include <vector>

#include <fmt/format.h>

#include "history/error.h"
#include "history/jsonl.h"
#include "history/op_fields.h"

namespace fl {
namespace {

class Scanner {
 public:
  Scanner(std::string text, const std::string& source) : text_(std::move(text)), source_(source) {}

  // Skips whitespace, counting lines; returns the next character or -1.
  int peek() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == '\n') ++line_;
      else if (c != ' ' && c != '\t' && c != '\r') return static_cast<unsigned char>(c);
      ++pos_;
    }
    return -1;
  }
  void consume() { ++pos_; }
  std::int64_t line() const { return line_; }

  // The text of the object starting at the current '{', up to its matching '}'.
  std::string_view object() {
    std::int64_t opened = line_;
    std::size_t start = pos_;
    int depth = 0;
    bool in_string = false;
    for (; pos_ < text_.size(); ++pos_) {
      char c = text_[pos_];
      if (c == '\n') ++line_;
      if (in_string) {
        if (c == '\\') {
          if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ++line_;
          ++pos_;
        } else if (c == '"') {
          in_string = false;
        }
      } else if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        if (++depth > kMaxNesting)
          throw BadInput(source_, opened, fmt::format("value nested deeper than {} levels", kMaxNesting));
      } else if (c == '}' || c == ']') {
        if (--depth == 0) {
          ++pos_;
          return std::string_view(text_).substr(start, pos_ - start);
        }
      }
    }
    throw BadInput(source_, opened, "the op object opened on this line is never closed");
  }

 private:
  std::string text_;
  const std::string& source_;
  std::size_t pos_ = 0;
  std::int64_t line_ = 1;
};

}  // namespace

History read_json_array(std::istream& in, const std::string& source) {
  std::vector<Op> ops;
  read_json_array_ops(in, source, [&](Op&& op, std::string_view value_text) {
    if (!value_text.empty()) op.value = Json::parse(value_text.begin(), value_text.end());
    ops.push_back(std::move(op));
  });
  return History(std::move(ops), source);
}

void read_json_array_ops(std::istream& in, const std::string& source,
                         const std::function<void(Op&&, std::string_view value_text)>& each) {
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw BadInput(source, 0, "read error");
  Scanner s(std::move(text), source);
  std::string_view value_text;
  if (s.peek() != '[') throw BadInput(source, s.line(), "expected a JSON array of ops ('[')");
  std::int64_t opened = s.line();
  s.consume();
  if (s.peek() == ']') {
    s.consume();
  } else {
    for (;;) {
      int c = s.peek();
      if (c != '{') {
        if (c < 0) throw BadInput(source, opened, "the array of ops opened on this line is never closed");
        throw BadInput(source, s.line(), "expected an op object ('{') in the array of ops");
      }
      std::int64_t line = s.line();
      std::string_view obj = s.object();
      Op op = parse_jsonl_op_lazy(obj, source, line, false, value_text);
      each(std::move(op), value_text);
      c = s.peek();
      if (c == ',') {
        s.consume();
        continue;
      }
      if (c == ']') {
        s.consume();
        break;
      }
      if (c < 0) throw BadInput(source, opened, "the array of ops opened on this line is never closed");
      throw BadInput(source, s.line(), "expected ',' or ']' after an op in the array of ops");
    }
  }
  if (s.peek() >= 0) throw BadInput(source, s.line(), "unexpected text after the array of ops");
}

}  // namespace fl
