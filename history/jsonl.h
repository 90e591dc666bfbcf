// The JSON Lines history format of DESIGN.md: one op object per line, in
// real-time order. The reader streams, skips blank lines and throws BadInput
// (file:line, one sentence) for anything else that is not a valid op. The
// writer emits the canonical form (fields in DESIGN.md's order), so reading
// a canonical file and writing it back gives the same bytes.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "history/history.h"

namespace fl {

History read_jsonl(std::istream& in, const std::string& source);

// One line (without its newline) → one op. `unterminated` says the line ended
// the file without a newline, which only changes the error sentence.
Op parse_jsonl_op(std::string_view line, const std::string& source, std::int64_t line_no,
                  bool unterminated = false);

// As parse_jsonl_op, except that a "value" made only of plain JSON (strings
// without escapes, small integers, null, booleans, arrays, objects) is left
// undecoded: `value_text` is then its text (a view into `line`, valid JSON)
// and the op's value is null; otherwise `value_text` is empty. Errors are
// exactly parse_jsonl_op's. For readers that decode values their own way.
Op parse_jsonl_op_lazy(std::string_view line, const std::string& source, std::int64_t line_no, bool unterminated,
                      std::string_view& value_text);
// The same into `op`, whose strings' memory is reused (one op per line of a
// long file, without building and destroying one each time).
void parse_jsonl_op_lazy(Op& op, std::string_view line, const std::string& source, std::int64_t line_no,
                         bool unterminated, std::string_view& value_text);

// The canonical line of an op, with its trailing "\n".
std::string jsonl_line(const Op& op);
// The same line appended to `out` (no allocation when `out` has room).
void append_jsonl_line(std::string& out, const Op& op);
void write_jsonl(std::ostream& out, const History& h);

// Appends ops to a history file as a test runs. Every write() is one
// write(2) of whole lines and nothing is buffered in between, so a crash —
// even SIGKILL — leaves the file valid up to its last complete line (only a
// line inside an interrupted write can be cut short). With `fsync`, each
// write() is followed by fdatasync(2), so what it returned for also survives
// a power cut. One writer per file; calls must come from one thread at a time.
class JsonlWriter {
 public:
  // Truncates; throws std::runtime_error.
  explicit JsonlWriter(const std::string& path, bool fsync = false);
  ~JsonlWriter();
  JsonlWriter(const JsonlWriter&) = delete;
  JsonlWriter& operator=(const JsonlWriter&) = delete;

  // Throw std::runtime_error when the disk refuses.
  void write(const Op& op);
  void write(const std::vector<Op>& ops);  // all their lines in one write(2)
  void close();
  const std::string& path() const { return path_; }

 private:
  void write_buffer();

  std::string path_;
  bool fsync_ = false;
  int fd_ = -1;
  std::string buffer_;  // the lines of one write(), reused
};

}  // namespace fl
