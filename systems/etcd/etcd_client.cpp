#include "systems/etcd/etcd_client.h"

#include "systems/etcd/base64.h"
#include "systems/http_session.h"

namespace fl {

struct EtcdClient::Http : HttpSession {
  using HttpSession::HttpSession;
};

EtcdClient::EtcdClient(EtcdClientOptions opts) : opts_(std::move(opts)), http_(std::make_unique<Http>(opts_.timeout_s)) {}
EtcdClient::~EtcdClient() = default;

Completion EtcdClient::invoke(const OpSpec& op) {
  std::string key = opts_.key_prefix;
  if (opts_.keyed && op.key) key += op.key->is_string() ? op.key->get<std::string>() : op.key->dump();
  if (op.f == "read") return read(key);
  if (op.f == "write") return write(key, op.value);
  if (op.f == "cas") return cas(key, op.value);
  return {OpType::Fail, nullptr, "etcd client does not know operation " + op.f};
}

namespace {

// Parses a 200 answer; a gRPC error object or garbage gives nullopt + why.
std::optional<Json> parse_answer(const Exchange& x, std::string& why) {
  Json j = Json::parse(x.body, nullptr, false);
  if (j.is_discarded()) {
    why = "unparseable answer (HTTP " + std::to_string(x.status) + ")";
    return std::nullopt;
  }
  if (x.status != 200 || j.contains("error")) {
    why = j.value("message", j.value("error", "HTTP " + std::to_string(x.status)));
    return std::nullopt;
  }
  return j;
}

}  // namespace

Completion EtcdClient::read(const std::string& key) {
  Json req = {{"key", base64_encode(key)}};
  if (opts_.serializable) req["serializable"] = true;
  Exchange x = http_->post(opts_.url + "/v3/kv/range", req.dump());
  if (!x.answered()) return transport_failure(x);
  std::string why;
  auto j = parse_answer(x, why);
  if (!j) return {OpType::Fail, nullptr, why};  // a rejected read changed nothing
  if (!j->contains("kvs") || (*j)["kvs"].empty()) return {OpType::Ok, nullptr, ""};
  auto raw = base64_decode((*j)["kvs"][0].value("value", std::string()));
  Json value = raw ? Json::parse(*raw, nullptr, false) : Json();
  if (!raw || value.is_discarded()) return {OpType::Fail, nullptr, "the stored value is not faultline's"};
  return {OpType::Ok, value, ""};
}

Completion EtcdClient::write(const std::string& key, const Json& value) {
  Json req = {{"key", base64_encode(key)}, {"value", base64_encode(value.dump())}};
  Exchange x = http_->post(opts_.url + "/v3/kv/put", req.dump());
  if (!x.answered()) return transport_failure(x);
  std::string why;
  if (!parse_answer(x, why)) return {OpType::Info, nullptr, why};  // may have been proposed
  return {OpType::Ok, value, ""};
}

Completion EtcdClient::cas(const std::string& key, const Json& value) {
  if (!value.is_array() || value.size() != 2) return {OpType::Fail, value, "cas needs [old, new]"};
  std::string k = base64_encode(key);
  Json req = {
      {"compare", Json::array({{{"key", k}, {"target", "VALUE"}, {"result", "EQUAL"},
                                {"value", base64_encode(value[0].dump())}}})},
      {"success", Json::array({{{"requestPut", {{"key", k}, {"value", base64_encode(value[1].dump())}}}}})}};
  Exchange x = http_->post(opts_.url + "/v3/kv/txn", req.dump());
  if (!x.answered()) return transport_failure(x);
  std::string why;
  auto j = parse_answer(x, why);
  if (!j) return {OpType::Info, nullptr, why};
  // proto3 JSON leaves out false booleans: no "succeeded" means the compare failed.
  if (j->value("succeeded", false)) return {OpType::Ok, value, ""};
  return {OpType::Fail, value, "compare failed"};
}

bool etcd_healthy(const std::string& url, double timeout_s) {
  std::string body;
  if (!http_get(url + "/health", timeout_s, &body)) return false;
  Json j = Json::parse(body, nullptr, false);
  return !j.is_discarded() && j.value("health", std::string()) == "true";
}

}  // namespace fl
