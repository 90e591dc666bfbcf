#include "systems/maelstrom/maelstrom_client.h"

#include <fmt/format.h>

#include "systems/maelstrom/maelstrom_errors.h"

namespace fl {
namespace {

bool is_txn_workload(const std::string& workload) {
  return workload == "txn-rw-register" || workload == "txn-list-append";
}

// What a txn that failed or may have happened tried: its micro-ops, reads unknown.
Json attempted(const Json& txn) {
  Json out = Json::array();
  if (txn.is_array())
    for (const Json& m : txn)
      out.push_back(m.is_array() && m.size() == 3 && m[0] == "r" ? Json::array({"r", m[1], nullptr}) : m);
  return out;
}

// Why a txn_ok's "txn" is not the request's txn completed — the same
// micro-ops on the same keys, writes unchanged, each read filled with a
// value (rw-register) or a list (list-append), or null — or "" when it is.
std::string txn_mismatch(const std::string& workload, const Json& sent, const Json& got) {
  if (!got.is_array() || got.size() != sent.size())
    return fmt::format("txn_ok with {} micro-ops for a txn of {}", got.is_array() ? got.size() : 0, sent.size());
  for (std::size_t i = 0; i < sent.size(); ++i) {
    const Json& s = sent[i];
    const Json& g = got[i];
    if (!g.is_array() || g.size() != 3 || g[0] != s[0] || g[1] != s[1])
      return fmt::format("txn_ok's micro-op {} is {}, not a completion of {}", i, g.dump(), s.dump());
    if (s[0] != "r") {
      if (g[2] != s[2]) return fmt::format("txn_ok's micro-op {} is {}, but {} was sent", i, g.dump(), s.dump());
      continue;
    }
    const Json& v = g[2];
    bool fits = v.is_null() || (workload == "txn-list-append" ? v.is_array() : !v.is_array() && !v.is_object());
    if (!fits)
      return fmt::format("txn_ok's read {} is not a {}", g.dump(), workload == "txn-list-append" ? "list" : "value");
  }
  return "";
}

// A kafka answer of the right type: send_ok's offset, poll_ok's msgs
// ({key: [[offset, msg], …]}), list_committed_offsets_ok's offsets; info
// when a field is missing or not of its shape.
Completion kafka_answer(const OpSpec& op, const Json& body) {
  const std::string type = body.value("type", "");
  auto odd = [&](const char* field) {
    return Completion{OpType::Info, nullptr, fmt::format("{} whose \"{}\" is missing or malformed", type, field)};
  };
  if (op.f == "send") {
    if (!body.contains("offset") || !body["offset"].is_number_integer()) return odd("offset");
    return {OpType::Ok, body["offset"], ""};
  }
  if (op.f == "poll") {
    if (!body.contains("msgs") || !body["msgs"].is_object()) return odd("msgs");
    for (const auto& item : body["msgs"].items()) {
      if (!item.value().is_array()) return odd("msgs");
      for (const Json& e : item.value())
        if (!e.is_array() || e.size() != 2 || !e[0].is_number_integer()) return odd("msgs");
    }
    return {OpType::Ok, body["msgs"], ""};
  }
  if (op.f == "list_committed_offsets") {
    if (!body.contains("offsets") || !body["offsets"].is_object()) return odd("offsets");
    for (const auto& item : body["offsets"].items())
      if (!item.value().is_number_integer()) return odd("offsets");
    return {OpType::Ok, body["offsets"], ""};
  }
  return {OpType::Ok, op.value, ""};
}

}  // namespace

Json MaelstromClient::request(const std::string& workload, const OpSpec& op) {
  if (workload == "echo" && op.f == "echo") return {{"type", "echo"}, {"echo", op.value}};
  if (workload == "broadcast") {
    if (op.f == "add") return {{"type", "broadcast"}, {"message", op.value}};
    if (op.f == "read") return {{"type", "read"}};
  }
  if (workload == "g-counter" || workload == "pn-counter") {
    if (op.f == "add") return {{"type", "add"}, {"delta", op.value}};
    if (op.f == "read") return {{"type", "read"}};
  }
  if (workload == "g-set") {
    if (op.f == "add") return {{"type", "add"}, {"element", op.value}};
    if (op.f == "read") return {{"type", "read"}};
  }
  if (workload == "unique-ids" && op.f == "generate") return {{"type", "generate"}};
  if (workload == "lin-kv") {
    Json key = op.key ? *op.key : Json(nullptr);
    if (op.f == "read") return {{"type", "read"}, {"key", key}};
    if (op.f == "write") return {{"type", "write"}, {"key", key}, {"value", op.value}};
    if (op.f == "cas" && op.value.is_array() && op.value.size() == 2)
      return {{"type", "cas"}, {"key", key}, {"from", op.value[0]}, {"to", op.value[1]}};
  }
  if (is_txn_workload(workload) && op.f == "txn" && op.value.is_array()) return {{"type", "txn"}, {"txn", op.value}};
  if (workload == "kafka" && op.value.is_object()) {
    if (op.f == "send") return {{"type", "send"}, {"key", op.value.value("key", Json())}, {"msg", op.value.value("msg", Json())}};
    if (op.f == "poll" || op.f == "commit_offsets")
      return {{"type", op.f}, {"offsets", op.value.value("offsets", Json::object())}};
    if (op.f == "list_committed_offsets")
      return {{"type", op.f}, {"keys", op.value.value("keys", Json::array())}};
  }
  return nullptr;
}

Completion MaelstromClient::answer(const std::string& workload, const OpSpec& op, const Json& body) {
  const std::string type = body.value("type", "");
  if (type == "error") {
    Completion c = maelstrom_error_completion(body);
    // A key that does not exist reads as the kv model's initial value.
    if (workload == "lin-kv" && op.f == "read" && body.value("code", -1) == 20) return {OpType::Ok, nullptr, ""};
    if (is_txn_workload(workload)) c.value = attempted(op.value);
    return c;
  }
  // The node answered, but not as the protocol says: we cannot tell what it did.
  const Json unknown = is_txn_workload(workload) ? attempted(op.value) : Json(nullptr);
  auto missing = [&](const char* field) {
    return Completion{OpType::Info, unknown, fmt::format("{} without \"{}\"", type, field)};
  };
  const Json req = request(workload, op);
  if (!req.is_object() || type != req.value("type", "") + "_ok")
    return {OpType::Info, unknown, fmt::format("an answer of type \"{}\" to {}", type, op.f)};
  if (is_txn_workload(workload)) {
    if (!body.contains("txn")) return missing("txn");
    std::string why = txn_mismatch(workload, op.value, body["txn"]);
    if (!why.empty()) return {OpType::Info, unknown, why};
    return {OpType::Ok, body["txn"], ""};
  }
  if (workload == "echo") {
    if (!body.contains("echo")) return missing("echo");
    return {OpType::Ok, body["echo"], ""};
  }
  if (workload == "unique-ids") {
    if (!body.contains("id")) return missing("id");
    return {OpType::Ok, body["id"], ""};
  }
  if (workload == "kafka") return kafka_answer(op, body);
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
  if (!body) return {OpType::Info, is_txn_workload(workload_) ? attempted(op.value) : Json(nullptr), "timeout"};
  return answer(workload_, op, *body);
}

}  // namespace fl
