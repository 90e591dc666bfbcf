#include "history/pairing.h"

#include <fmt/format.h>

#include "history/error.h"

namespace fl {

Pairing::Match Pairing::add(const Op& op, std::int64_t pos) {
  if (op.is_nemesis()) return {};
  if (op.is_invoke()) {
    auto it = open_.find(op.process);
    if (it != open_.end())
      throw BadInput(source_, op.line,
                     fmt::format("process {} invokes {} before its {} (line {}) completed", op.process, op.f,
                                 it->second.f, it->second.line));
    open_.emplace(op.process, Open{next_pair_, pos, op.f, op.line});
    return {next_pair_++, -1};
  }
  auto it = open_.find(op.process);
  if (it == open_.end())
    throw BadInput(source_, op.line,
                   fmt::format("process {} completes {} ({}) without an invocation", op.process, op.f,
                               to_string(op.type)));
  Match m{it->second.pair, it->second.invoke};
  open_.erase(it);
  return m;
}

}  // namespace fl
