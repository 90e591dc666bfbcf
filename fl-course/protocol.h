// The course protocol (COURSE.md): what a node answers, as plain values.
// A Reply is an HTTP status and a JSON body. The outcome rules are the
// contract every design keeps: 200 = done; 409 = certainly not applied
// (a refused compare, a held lock, an aborted txn); 503 = not applied, try
// the named leader; anything else (here 504 and 501) = the client cannot
// know. A design must never answer 409 or 503 for a request it may have
// applied — `uncertain()` is the answer for "it may have happened".
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace course {

using Json = nlohmann::json;

struct Reply {
  int status = 200;
  Json body = Json::object();
};

inline Reply ok(Json body = Json::object()) { return {200, std::move(body)}; }
// 409: certainly not applied.
inline Reply refused(const std::string& why) { return {409, {{"error", why}}}; }
// 503: not applied; `leader` (if known) is where the client may go next.
inline Reply unavailable(const std::string& why, const std::string& leader = "") {
  Json b = {{"error", why}};
  if (!leader.empty()) b["leader"] = leader;
  return {503, b};
}
// 504: the request may or may not have taken effect (the client records info).
inline Reply uncertain(const std::string& why) { return {504, {{"error", why}}}; }
// 400: the request itself is malformed; nothing was applied.
inline Reply bad_request(const std::string& why) { return {400, {{"error", why}}}; }
// 501: this design does not serve that request.
inline Reply not_served(const std::string& what, const std::string& design) {
  return {501, {{"error", "design " + design + " does not serve " + what}}};
}

}  // namespace course
