// BadInput: the one error type of the history layer. It always names the file
// and the 1-based line of the offending data, and its what() is the single
// sentence the user sees ("history.jsonl:17: \"type\" must be one of …").
// Callers map it to exit code 65 (DESIGN.md).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace fl {

class BadInput : public std::runtime_error {
 public:
  BadInput(std::string file, std::int64_t line, const std::string& what);
  const std::string& file() const { return file_; }
  std::int64_t line() const { return line_; }
  const std::string& reason() const { return reason_; }

 private:
  std::string file_;
  std::int64_t line_;
  std::string reason_;
};

}  // namespace fl
