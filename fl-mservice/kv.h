// The key-value operations every kv service of fl-mservice answers, on one
// map: `read` {key} → read_ok {value} or error 20 (key does not exist);
// `write` {key, value} → write_ok; `cas` {key, from, to,
// create_if_not_exists} → cas_ok, error 22 (precondition failed: the value is
// not `from`) or 20 (no such key, unless create_if_not_exists). Keys are any
// JSON value (Maelstrom's nodes use numbers and strings); a key is its JSON text.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace mservice {

using Json = nlohmann::json;
using Map = std::map<std::string, Json>;

// Maelstrom's error codes the services use.
constexpr int kNotSupported = 10;
constexpr int kMalformed = 12;
constexpr int kKeyDoesNotExist = 20;
constexpr int kPreconditionFailed = 22;

Json error_body(int code, const std::string& text);

// What a request asks, checked: kind is "read", "write", "cas", or "" with
// `error` set (error 10 for an unknown type, 12 for a missing field).
struct KvRequest {
  std::string kind;
  std::string key;  // the key's JSON text
  Json value, from, to;
  bool create = false;
  Json error;
};
KvRequest parse_kv(const Json& body);

// Applies `r` to `m` in place; the answer's body (without in_reply_to).
// `changed` says whether `m` changed.
Json apply_kv(Map& m, const KvRequest& r, bool* changed = nullptr);

// Answers a read of `r.key` from `m`, which it does not change.
Json read_kv(const Map& m, const KvRequest& r);

}  // namespace mservice
