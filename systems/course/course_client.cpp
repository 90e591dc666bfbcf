#include "systems/course/course_client.h"

#include <curl/curl.h>

namespace fl {
namespace {

// A short, printable excerpt of what a server sent.
std::string excerpt(const std::string& body) {
  std::string s = body.substr(0, 80);
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
  return body.size() > 80 ? s + "…" : s;
}

}  // namespace

Completion course_outcome(const Exchange& x, Json& answer) {
  if (!x.answered()) return transport_failure(x);
  Json body = Json::parse(x.body, nullptr, false);
  std::string why = body.is_object() && body.contains("error") && body["error"].is_string()
                        ? body["error"].get<std::string>()
                        : "HTTP " + std::to_string(x.status);
  if (x.status == 409) return {OpType::Fail, nullptr, why};
  if (x.status == 503) {
    if (body.is_object() && body.contains("leader") && body["leader"].is_string())
      why += " (leader: " + body["leader"].get<std::string>() + ")";
    return {OpType::Fail, nullptr, why};
  }
  if (x.status != 200) return {OpType::Info, nullptr, "HTTP " + std::to_string(x.status) + ": " + why};
  if (!body.is_object())
    return {OpType::Info, nullptr, "the answer is not a JSON object: \"" + excerpt(x.body) + "\""};
  answer = std::move(body);
  return {OpType::Ok, nullptr, ""};
}

std::string course_path_segment(const std::string& name) {
  char* e = curl_easy_escape(nullptr, name.c_str(), static_cast<int>(name.size()));
  std::string out = e ? e : name;
  curl_free(e);
  return out;
}

CourseClient::CourseClient(CourseClientOptions opts) : opts_(std::move(opts)), http_(opts_.timeout_s) {}

std::string CourseClient::key_url(const OpSpec& op) const {
  std::string key = "register";
  if (opts_.workload == "set") key = "set";
  else if (opts_.workload == "kv" && op.key) key = op.key->is_string() ? op.key->get<std::string>() : op.key->dump();
  return opts_.url + "/kv/" + course_path_segment(key);
}

Completion CourseClient::invoke(const OpSpec& op) {
  std::string url = key_url(op);
  Json answer;
  if (op.f == "read") {
    Completion c = course_outcome(http_.get(url), answer);
    if (c.type != OpType::Ok) return c;
    if (!answer.contains("value"))
      return {OpType::Info, nullptr, "a read answered 200 without a \"value\": " + excerpt(answer.dump())};
    Json v = answer["value"];
    if (opts_.workload == "set") {
      if (v.is_null()) v = Json::array();
      if (!v.is_array()) return {OpType::Info, nullptr, "a set read answered a value that is not a list: " + excerpt(v.dump())};
    }
    return {OpType::Ok, v, ""};
  }
  Completion c;
  if (op.f == "write") c = course_outcome(http_.put(url, Json({{"value", op.value}}).dump()), answer);
  else if (op.f == "add") c = course_outcome(http_.post(url + "/add", Json({{"value", op.value}}).dump()), answer);
  else if (op.f == "cas") {
    if (!op.value.is_array() || op.value.size() != 2) return {OpType::Fail, op.value, "cas needs [old, new]"};
    c = course_outcome(http_.post(url + "/cas", Json({{"from", op.value[0]}, {"to", op.value[1]}}).dump()), answer);
  } else {
    return {OpType::Fail, nullptr, "the course client does not know operation " + op.f};
  }
  if (c.type == OpType::Ok) c.value = op.value;
  return c;
}

Json course_health(const std::string& url, double timeout_s) {
  std::string body;
  if (!http_get(url + "/health", timeout_s, &body)) return nullptr;
  Json j = Json::parse(body, nullptr, false);
  return j.is_object() ? j : Json();
}

}  // namespace fl
