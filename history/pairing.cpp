#include "history/pairing.h"

#include <fmt/format.h>

#include "history/error.h"

namespace fl {

Pairing::Match Pairing::add(const Op& op, std::int64_t pos) {
  if (op.is_nemesis()) return {};
  auto it = open_.find(op.process);
  if (op.is_invoke()) {
    if (it == open_.end()) {
      open_.emplace(op.process, Open{true, next_pair_, pos, op.f, op.line});
    } else {
      Open& o = it->second;
      if (o.open)
        throw BadInput(source_, op.line,
                       fmt::format("process {} invokes {} before its {} (line {}) completed", op.process, op.f, o.f,
                                   o.line));
      o.open = true;
      o.pair = next_pair_;
      o.invoke = pos;
      o.f = op.f;
      o.line = op.line;
    }
    return {next_pair_++, -1};
  }
  if (it == open_.end() || !it->second.open)
    throw BadInput(source_, op.line,
                   fmt::format("process {} completes {} ({}) without an invocation", op.process, op.f,
                               to_string(op.type)));
  Match m{it->second.pair, it->second.invoke};
  if (op.type == OpType::Info)
    open_.erase(it);
  else
    it->second.open = false;
  return m;
}

}  // namespace fl
