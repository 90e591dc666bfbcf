// EdnReader: a reader of EDN (Clojure's data notation) that yields JSON, for
// Jepsen and Knossos histories. Keywords become strings without the colon
// (":a/b" → "a/b"), nil → null, lists/vectors/sets → arrays, map keys →
// strings, tagged values → their value, integers beyond int64 → the string of
// their digits (exact equality survives). Nesting deeper than kMaxNesting and
// every syntax error are BadInput at the line where the offending form opens.
// It reads its input in blocks; a caller reading form by form calls anchor()
// so that consumed text can be dropped.
#pragma once

#include <cstdint>
#include <istream>
#include <memory>
#include <string>
#include <string_view>

#include "history/op.h"

namespace fl {

class EdnReader {
 public:
  EdnReader(std::istream& in, std::string source);
  EdnReader(std::string_view text, std::string source, std::int64_t first_line = 1);

  // Skips whitespace, commas, comments and #_ discarded forms, then returns
  // the next character without consuming it, or -1 at the end of input.
  int peek();
  void consume();  // the character peek() returned
  std::int64_t line() const { return line_; }
  const std::string& source() const { return source_; }

  // Reads one form. A tagged form (#tag value) gives its value; `tag`, when
  // given, receives the tag's name for the outermost form ("" if untagged).
  Json read(std::string* tag = nullptr);

  // Reads a keyword's name into `name` when the next form is a keyword
  // (without building JSON: the op-map reader's fast path); false otherwise.
  bool read_keyword(std::string& name);
  // Exactly one form followed by nothing but whitespace and comments.
  Json read_whole();
  // Starts over on a new text, keeping the source name and the buffer
  // (the Jepsen log reader parses one value per line).
  void reset(std::string_view text, std::int64_t first_line);

  // Text before the current position may be forgotten (form-by-form readers
  // call this before each top-level form so memory stays bounded).
  void anchor() { anchor_ = base_ + pos_; }

  [[noreturn]] void fail(std::int64_t line, const std::string& what) const;

 private:
  int raw(std::size_t ahead = 0) {
    return pos_ + ahead < buf_.size() ? static_cast<unsigned char>(buf_[pos_ + ahead]) : raw_slow(ahead);
  }
  int raw_slow(std::size_t ahead);
  void advance() {
    if (buf_[pos_] == '\n') ++line_;
    ++pos_;
  }
  bool fill();
  void skip_space();

  Json read_form(std::string* tag);
  Json read_seq(char close, const char* what);
  Json read_map();
  Json read_string();
  Json read_char();
  Json read_atom();  // numbers and symbols
  std::string read_token();
  void read_token(std::string& into);  // replaces into's text
  void enter(std::int64_t opened_at);

  std::istream* in_ = nullptr;
  std::string source_;
  std::string buf_;
  std::unique_ptr<char[]> scratch_;  // one block read from in_
  std::size_t pos_ = 0;         // in buf_
  std::size_t base_ = 0;        // absolute offset of buf_[0]
  std::size_t anchor_ = 0;      // absolute offset that must stay in buf_
  bool eof_ = false;
  std::int64_t line_ = 1;
  int depth_ = 0;
};

// Exactly one EDN form (surrounding whitespace and comments allowed).
Json parse_edn(std::string_view text, const std::string& source = "<edn>", std::int64_t first_line = 1);

}  // namespace fl
