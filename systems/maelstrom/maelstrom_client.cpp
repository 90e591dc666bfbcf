#include "systems/maelstrom/maelstrom_client.h"

#include <fmt/format.h>

#include "systems/maelstrom/maelstrom_errors.h"

namespace fl {

Json MaelstromClient::request(const std::string& workload, const OpSpec& op) {
  if (workload == "echo" && op.f == "echo") return {{"type", "echo"}, {"echo", op.value}};
  if (workload == "broadcast") {
    if (op.f == "add") return {{"type", "broadcast"}, {"message", op.value}};
    if (op.f == "read") return {{"type", "read"}};
  }
  if (workload == "g-counter") {
    if (op.f == "add") return {{"type", "add"}, {"delta", op.value}};
    if (op.f == "read") return {{"type", "read"}};
  }
  if (workload == "lin-kv") {
    Json key = op.key ? *op.key : Json(nullptr);
    if (op.f == "read") return {{"type", "read"}, {"key", key}};
    if (op.f == "write") return {{"type", "write"}, {"key", key}, {"value", op.value}};
    if (op.f == "cas" && op.value.is_array() && op.value.size() == 2)
      return {{"type", "cas"}, {"key", key}, {"from", op.value[0]}, {"to", op.value[1]}};
  }
  return nullptr;
}

Completion MaelstromClient::answer(const std::string& workload, const OpSpec& op, const Json& body) {
  const std::string type = body.value("type", "");
  if (type == "error") {
    Completion c = maelstrom_error_completion(body);
    // A key that does not exist reads as the kv model's initial value.
    if (workload == "lin-kv" && op.f == "read" && body.value("code", -1) == 20) return {OpType::Ok, nullptr, ""};
    return c;
  }
  auto missing = [&](const char* field) {
    // The node answered, but not as the protocol says: we cannot tell what it did.
    return Completion{OpType::Info, nullptr, fmt::format("{} without \"{}\"", type, field)};
  };
  const Json req = request(workload, op);
  if (!req.is_object() || type != req.value("type", "") + "_ok")
    return {OpType::Info, nullptr, fmt::format("an answer of type \"{}\" to {}", type, op.f)};
  if (workload == "echo") {
    if (!body.contains("echo")) return missing("echo");
    return {OpType::Ok, body["echo"], ""};
  }
  if (op.f == "read") {
    const char* field = workload == "broadcast" ? "messages" : "value";
    if (!body.contains(field)) return missing(field);
    return {OpType::Ok, body[field], ""};
  }
  return {OpType::Ok, op.value, ""};
}

Completion MaelstromClient::invoke(const OpSpec& op) {
  Json req = request(workload_, op);
  if (req.is_null()) return {OpType::Fail, nullptr, fmt::format("the {} workload has no op {}", workload_, op.f)};
  std::optional<Json> body = conn_->call(std::move(req), timeout_s_);
  if (!body) return {OpType::Info, nullptr, "timeout"};
  return answer(workload_, op, *body);
}

}  // namespace fl
