#include "history/history.h"

#include <unordered_map>

#include <fmt/format.h>

#include "history/error.h"

namespace fl {

History::History(std::vector<Op> ops, std::string source)
    : ops_(std::move(ops)), source_(std::move(source)) {
  partner_.assign(ops_.size(), -1);
  // process -> position in pairs_ of its open invocation
  std::unordered_map<std::int64_t, std::size_t> open;
  for (std::size_t i = 0; i < ops_.size(); ++i) {
    Op& op = ops_[i];
    if (op.index < 0) op.index = static_cast<std::int64_t>(i);
    if (op.is_nemesis()) continue;
    if (op.is_invoke()) {
      auto it = open.find(op.process);
      if (it != open.end()) {
        const Op& prev = ops_[pairs_[it->second].invoke];
        throw BadInput(source_, op.line,
                       fmt::format("process {} invokes {} before its {} (line {}) completed",
                                   op.process, op.f, prev.f, prev.line));
      }
      open.emplace(op.process, pairs_.size());
      pairs_.push_back(OpPair{static_cast<std::int64_t>(i), -1});
    } else {
      auto it = open.find(op.process);
      if (it == open.end())
        throw BadInput(source_, op.line,
                       fmt::format("process {} completes {} ({}) without an invocation", op.process,
                                   op.f, to_string(op.type)));
      OpPair& p = pairs_[it->second];
      p.complete = static_cast<std::int64_t>(i);
      partner_[i] = p.invoke;
      partner_[p.invoke] = static_cast<std::int64_t>(i);
      open.erase(it);
    }
  }
}

}  // namespace fl
