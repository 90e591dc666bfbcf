#include "systems/http_session.h"

#include <chrono>
#include <mutex>
#include <thread>

#include <curl/curl.h>

#include "history/wire_log.h"

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

}  // namespace

struct HttpSession::Impl {
  CURL* curl = nullptr;
  curl_slist* headers = nullptr;
  char error[CURL_ERROR_SIZE] = {0};
  bool live_connection = false;  // the last exchange succeeded, so libcurl kept its connection
};

HttpSession::HttpSession(double timeout_s) : impl_(std::make_unique<Impl>()) {
  global_init();
  CURL* curl = impl_->curl = curl_easy_init();
  impl_->headers = curl_slist_append(nullptr, "Content-Type: application/json");
  long ms = static_cast<long>(timeout_s * 1000);
  if (ms < 1) ms = 1;
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for timeouts
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, ms);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, ms);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, impl_->headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, impl_->error);
  curl_easy_setopt(curl, CURLOPT_PROXY, "");  // never through a proxy from the environment
}

HttpSession::~HttpSession() {
  curl_slist_free_all(impl_->headers);
  curl_easy_cleanup(impl_->curl);
}

Exchange HttpSession::get(const std::string& url) { return perform("GET", url, nullptr); }
Exchange HttpSession::post(const std::string& url, const std::string& body) { return perform("POST", url, &body); }
Exchange HttpSession::put(const std::string& url, const std::string& body) { return perform("PUT", url, &body); }

Exchange HttpSession::perform(const std::string& method, const std::string& url, const std::string* body) {
  CURL* curl = impl_->curl;
  Exchange x;
  x.reused = impl_->live_connection;
  impl_->error[0] = 0;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  if (body) {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body->c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body->size()));
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method == "POST" ? nullptr : method.c_str());
  } else {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, nullptr);
  }
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &x.body);
  auto sent = std::chrono::steady_clock::now();
  CURLcode code = curl_easy_perform(curl);
  x.code = static_cast<int>(code);
  impl_->live_connection = code == CURLE_OK;  // libcurl closes the connection on errors
  x.error = impl_->error[0] ? impl_->error : curl_easy_strerror(code);
  if (code == CURLE_OK) x.error.clear();
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &x.status);
  if (wire_recording()) {
    std::string request = method + " " + url + (body ? " " + *body : "");
    if (x.answered()) wire_exchange(sent, std::chrono::steady_clock::now(), request, std::to_string(x.status) + " " + x.body);
    else wire_exchange(sent, std::nullopt, request, x.error);
  }
  // A node that refuses connections (killed, or restarting) is asked again no
  // faster than 20 times a second by each client: answering at once filled
  // an hour's history with tens of thousands of identical failures a second
  // (82% of a 3-minute kill run's 1.9 million ops).
  if (code == CURLE_COULDNT_CONNECT && !x.reused) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  return x;
}

Completion transport_failure(const Exchange& x) {
  std::string why = x.error;
  switch (static_cast<CURLcode>(x.code)) {
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

bool http_get(const std::string& url, double timeout_s, std::string* body) {
  HttpSession s(timeout_s);
  Exchange x = s.get(url);
  if (body) *body = x.body;
  return x.answered() && x.status == 200;
}

}  // namespace fl
