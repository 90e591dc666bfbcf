#include "kv.h"

namespace mservice {

Json error_body(int code, const std::string& text) { return {{"type", "error"}, {"code", code}, {"text", text}}; }

KvRequest parse_kv(const Json& body) {
  KvRequest r;
  const std::string type = body.value("type", "");
  if (type != "read" && type != "write" && type != "cas") {
    r.error = error_body(kNotSupported, "a kv service answers read, write and cas, not \"" + type + "\"");
    return r;
  }
  auto need = [&](const char* field) {
    if (body.contains(field)) return true;
    r.error = error_body(kMalformed, type + " needs \"" + field + "\"");
    return false;
  };
  if (!need("key")) return r;
  if (type == "write" && !need("value")) return r;
  if (type == "cas" && (!need("from") || !need("to"))) return r;
  r.kind = type;
  r.key = body["key"].dump();
  if (type == "write") r.value = body["value"];
  if (type == "cas") {
    r.from = body["from"];
    r.to = body["to"];
    r.create = body.value("create_if_not_exists", false);
  }
  return r;
}

Json read_kv(const Map& m, const KvRequest& r) {
  auto it = m.find(r.key);
  if (it == m.end()) return error_body(kKeyDoesNotExist, "key " + r.key + " does not exist");
  return {{"type", "read_ok"}, {"value", it->second}};
}

Json apply_kv(Map& m, const KvRequest& r, bool* changed) {
  if (changed) *changed = false;
  if (r.kind == "read") return read_kv(m, r);
  if (r.kind == "write") {
    m[r.key] = r.value;
    if (changed) *changed = true;
    return {{"type", "write_ok"}};
  }
  auto it = m.find(r.key);
  if (it == m.end() && !r.create) return error_body(kKeyDoesNotExist, "key " + r.key + " does not exist");
  if (it != m.end() && it->second != r.from)
    return error_body(kPreconditionFailed,
                      "expected " + r.from.dump() + ", but key " + r.key + " holds " + it->second.dump());
  m[r.key] = r.to;
  if (changed) *changed = true;
  return {{"type", "cas_ok"}};
}

}  // namespace mservice
