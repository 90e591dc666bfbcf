// LineReader: hands out the lines of a stream one at a time as views into a
// block buffer, so line-oriented readers (JSONL, Jepsen logs) never copy a
// line. A view stays valid until the next call. Line numbers are 1-based and
// count every line, blank or not. Not thread-safe.
#pragma once

#include <cstdint>
#include <istream>
#include <memory>
#include <string>
#include <string_view>

namespace fl {

class LineReader {
 public:
  explicit LineReader(std::istream& in) : in_(in) {}

  // The next line without its "\n" (nor a "\r" before it); false at the end.
  bool next(std::string_view& line);
  std::int64_t line_number() const { return line_; }
  // True when the line just returned ended the file without a newline — the
  // sign of a writer that died mid-line.
  bool unterminated() const { return unterminated_; }
  // Bytes handed out so far, newlines included.
  std::int64_t consumed() const { return consumed_; }

 private:
  bool fill();  // reads another block after the unread tail; false at end of stream

  std::istream& in_;
  std::unique_ptr<char[]> buf_;  // [pos_, size_) is read and not yet handed out
  std::size_t cap_ = 0, size_ = 0;
  std::size_t pos_ = 0;
  std::int64_t consumed_ = 0;
  bool eof_ = false;
  bool unterminated_ = false;
  std::int64_t line_ = 0;
};

}  // namespace fl
