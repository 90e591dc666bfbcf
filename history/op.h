// Op: one event of a history — an invocation or a completion — as DESIGN.md
// defines it. Plain data: values stay JSON here; checkers intern them into
// integers before any search. `line` remembers where the op came from so every
// later complaint can name `file:line`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace fl {

using Json = nlohmann::json;

enum class OpType : std::uint8_t { Invoke, Ok, Fail, Info };

std::string_view to_string(OpType t);
// Parses "invoke" / "ok" / "fail" / "info"; nullopt for anything else.
std::optional<OpType> parse_op_type(std::string_view s);

// Client processes are non-negative integers; the nemesis is kNemesis.
constexpr std::int64_t kNemesis = -1;

struct Op {
  std::int64_t index = -1;  // position in the history, 0-based
  std::int64_t time = -1;   // ns since test start; -1 when the source had none
  std::int64_t process = 0;
  OpType type = OpType::Invoke;
  std::string f;
  Json value;                 // argument on invoke, result on completion
  std::optional<Json> key;    // independent key, when the op is keyed
  std::string node;           // node the client talked to ("" if unknown)
  std::string error;          // message of a fail / info ("" if none)
  std::int64_t line = 0;      // 1-based line in the source file (0 if made in memory)

  bool is_nemesis() const { return process == kNemesis; }
  bool is_invoke() const { return type == OpType::Invoke; }
  bool is_completion() const { return type != OpType::Invoke; }
};

// The JSON object of DESIGN.md's history format (what the JSONL writer emits).
Json to_json(const Op& op);

}  // namespace fl
