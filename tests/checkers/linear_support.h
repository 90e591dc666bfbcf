// Test support for the linearizability checker: building histories in memory
// (the oracle is in oracle.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "checkers/checker.h"
#include "history/history.h"

namespace fl::test {

inline Op event(std::int64_t process, OpType type, std::string f, Json value,
                std::optional<Json> key = std::nullopt) {
  Op op;
  op.process = process;
  op.type = type;
  op.f = std::move(f);
  op.value = std::move(value);
  op.key = std::move(key);
  return op;
}

// Numbers the ops' lines 1.. as if they came from a file.
inline History history_of(std::vector<Op> ops, std::string name = "test.jsonl") {
  for (std::size_t i = 0; i < ops.size(); ++i) ops[i].line = static_cast<std::int64_t>(i + 1);
  return History(std::move(ops), std::move(name));
}

}  // namespace fl::test
