#include "history/error.h"

#include <fmt/format.h>

namespace fl {

static std::string locate(const std::string& file, std::int64_t line, const std::string& what) {
  if (line > 0) return fmt::format("{}:{}: {}", file, line, what);
  return fmt::format("{}: {}", file, what);
}

BadInput::BadInput(std::string file, std::int64_t line, const std::string& what)
    : std::runtime_error(locate(file, line, what)), file_(std::move(file)), line_(line), reason_(what) {}

}  // namespace fl
