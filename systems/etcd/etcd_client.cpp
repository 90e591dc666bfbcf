#include "systems/etcd/etcd_client.h"

#include <mutex>

#include <curl/curl.h>

#include "systems/etcd/base64.h"

namespace fl {
namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t append_body(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// What one HTTP exchange came to, before it means anything for an op.
struct Exchange {
  CURLcode code = CURLE_OK;
  long status = 0;
  std::string body;
  std::string error;
  bool reused = false;  // a connection from an earlier exchange may have carried it
};

// Every transport failure, classified once: did the request certainly not
// reach the server (Fail), or may it have taken effect (Info)?
Completion transport_failure(const Exchange& x) {
  std::string why = x.error.empty() ? curl_easy_strerror(x.code) : x.error;
  switch (x.code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_URL_MALFORMAT:
      // libcurl sends on a kept-alive connection first and, if that dies
      // without an answer, silently retries on a new one: a refusal then
      // does not prove the request was never sent (found by a kill nemesis:
      // a "failed" write that a later read observed).
      if (x.reused) return {OpType::Info, nullptr, why + " (after a kept-alive connection was lost)"};
      return {OpType::Fail, nullptr, why};
    default:
      // Timeout, reset, partial send: the server may have applied it. Even
      // for a read, DESIGN.md keeps a timeout info, never fail.
      return {OpType::Info, nullptr, why};
  }
}

}  // namespace

struct EtcdClient::Http {
  CURL* curl = nullptr;
  curl_slist* headers = nullptr;
  char error[CURL_ERROR_SIZE] = {0};
  bool live_connection = false;  // the last exchange succeeded, so libcurl kept its connection

  Http(double timeout_s) {
    global_init();
    curl = curl_easy_init();
    headers = curl_slist_append(nullptr, "Content-Type: application/json");
    long ms = static_cast<long>(timeout_s * 1000);
    if (ms < 1) ms = 1;
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for timeouts
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, ms);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, ms);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl, CURLOPT_PROXY, "");  // never through a proxy from the environment
  }
  ~Http() {
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
  }

  Exchange post(const std::string& url, const std::string& body) {
    Exchange x;
    x.reused = live_connection;
    error[0] = 0;
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &x.body);
    x.code = curl_easy_perform(curl);
    live_connection = x.code == CURLE_OK;  // libcurl closes the connection on errors
    x.error = error;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &x.status);
    return x;
  }
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
  if (x.code != CURLE_OK) return transport_failure(x);
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
  if (x.code != CURLE_OK) return transport_failure(x);
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
  if (x.code != CURLE_OK) return transport_failure(x);
  std::string why;
  auto j = parse_answer(x, why);
  if (!j) return {OpType::Info, nullptr, why};
  // proto3 JSON leaves out false booleans: no "succeeded" means the compare failed.
  if (j->value("succeeded", false)) return {OpType::Ok, value, ""};
  return {OpType::Fail, value, "compare failed"};
}

bool etcd_healthy(const std::string& url, double timeout_s) {
  global_init();
  CURL* curl = curl_easy_init();
  std::string body;
  long ms = static_cast<long>(timeout_s * 1000);
  curl_easy_setopt(curl, CURLOPT_URL, (url + "/health").c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, ms);
  curl_easy_setopt(curl, CURLOPT_PROXY, "");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  CURLcode code = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(curl);
  if (code != CURLE_OK || status != 200) return false;
  Json j = Json::parse(body, nullptr, false);
  return !j.is_discarded() && j.value("health", std::string()) == "true";
}

}  // namespace fl
