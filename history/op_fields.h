// OpFields: the one place that knows DESIGN.md's field rules for an op
// (process is a non-negative integer or "nemesis", type is invoke/ok/fail/info,
// f is a string, …). Every reader (JSONL, EDN, Jepsen log) hands it decoded
// JSON values field by field, so the rules and their error sentences are the
// same whatever the file format. Errors are BadInput at the op's line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "history/op.h"

namespace fl {

// Values nested deeper than this are refused before parsing (the JSON and
// EDN parsers recurse; an attacker's 100000 '[' must not blow the stack).
constexpr int kMaxNesting = 256;

class OpFields {
 public:
  OpFields(const std::string& source, std::int64_t line);

  // Sets one field; unknown names are ignored (Jepsen histories carry extra
  // fields). A field given twice keeps the last value, as JSON parsers do.
  void set(std::string_view name, Json&& v);
  // The typed shortcuts the fast readers use; they check like set().
  void set_process(std::int64_t p);
  void set_type(std::string_view t);
  void set_f(std::string f);

  // The finished op; throws when a required field (process, type, f) is
  // missing. A missing f is "txn" when the value is a list of micro-ops.
  Op finish();

 private:
  [[noreturn]] void fail(const std::string& what) const;

  const std::string& source_;
  Op op_;
  bool has_process_ = false, has_type_ = false, has_f_ = false;
};

// A transaction: a non-empty list of micro-ops, each a list whose first
// element names it (["append", k, v], ["r", k, null], …). An op without "f"
// whose value is one is a "txn".
bool is_txn_value(const Json& v);

// Renders a JSON value for an error sentence: short and on one line.
std::string describe_json(const Json& v);

}  // namespace fl
