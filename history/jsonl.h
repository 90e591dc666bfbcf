// The JSON Lines history format of DESIGN.md: one op object per line, in
// real-time order. The reader streams, skips blank lines and throws BadInput
// (file:line, one sentence) for anything else that is not a valid op. The
// writer emits the canonical form (fields in DESIGN.md's order), so reading
// a canonical file and writing it back gives the same bytes.
#pragma once

#include <cstdint>
#include <cstdio>
#include <ostream>
#include <string>
#include <string_view>

#include "history/history.h"

namespace fl {

History read_jsonl(std::istream& in, const std::string& source);

// One line (without its newline) → one op. `unterminated` says the line ended
// the file without a newline, which only changes the error sentence.
Op parse_jsonl_op(std::string_view line, const std::string& source, std::int64_t line_no,
                  bool unterminated = false);

// The canonical line of an op, with its trailing "\n".
std::string jsonl_line(const Op& op);
void write_jsonl(std::ostream& out, const History& h);

// Appends ops to a history file as a test runs, flushing after each op so a
// crash loses at most the op being written. One writer per file; calls must
// come from one thread at a time.
class JsonlWriter {
 public:
  explicit JsonlWriter(const std::string& path);  // truncates; throws std::runtime_error
  ~JsonlWriter();
  JsonlWriter(const JsonlWriter&) = delete;
  JsonlWriter& operator=(const JsonlWriter&) = delete;

  void write(const Op& op);  // throws std::runtime_error when the disk refuses
  void close();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
};

}  // namespace fl
