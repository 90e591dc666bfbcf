#include "systems/maelstrom/maelstrom_errors.h"

#include <fmt/format.h>

namespace fl {
namespace {

struct Code {
  long code;
  const char* name;
  bool definite;
};

// Maelstrom's doc/protocol.md, "Errors".
constexpr Code kCodes[] = {
    {0, "timeout", false},
    {1, "node-not-found", true},
    {10, "not-supported", true},
    {11, "temporarily-unavailable", true},
    {12, "malformed-request", true},
    {13, "crash", false},
    {14, "abort", true},
    {20, "key-does-not-exist", true},
    {21, "key-already-exists", true},
    {22, "precondition-failed", true},
    {30, "txn-conflict", true},
};

}  // namespace

std::string maelstrom_error_name(long code) {
  for (const Code& c : kCodes)
    if (c.code == code) return c.name;
  return fmt::format("error {}", code);
}

bool maelstrom_error_definite(long code) {
  for (const Code& c : kCodes)
    if (c.code == code) return c.definite;
  return false;  // a code Maelstrom does not define: nothing is known
}

Completion maelstrom_error_completion(const Json& body) {
  Completion c;
  const Json* code = body.is_object() && body.contains("code") ? &body["code"] : nullptr;
  if (!code || !code->is_number_integer()) {
    c.type = OpType::Info;
    c.error = "an error without an integer code";
    return c;
  }
  long n = code->get<long>();
  c.type = maelstrom_error_definite(n) ? OpType::Fail : OpType::Info;
  c.error = maelstrom_error_name(n);
  if (body.contains("text") && body["text"].is_string() && !body["text"].get<std::string>().empty())
    c.error += ": " + body["text"].get<std::string>();
  return c;
}

}  // namespace fl
