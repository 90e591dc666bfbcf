// Base64 (RFC 4648, standard alphabet, padded) — how etcd's v3 JSON gateway
// carries keys and values. decode() returns nullopt on malformed input.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fl {

std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace fl
