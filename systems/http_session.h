// HttpSession: one logical process's HTTP connection (libcurl, kept alive),
// with a per-request timeout and no proxy from the environment — shared by
// the systems whose clients speak HTTP + JSON (etcd's gateway, the course
// protocol). transport_failure() is Jepsen's outcome rule for an exchange
// that got no HTTP answer: a refused fresh connection certainly sent
// nothing (Fail); a timeout, a reset, or a refusal after libcurl lost a
// kept-alive connection (it may have sent on it first) may have taken
// effect (Info). A refused fresh connection is answered 50 ms late, so a
// client of a dead node does not spin. Not thread-safe: one session per client.
#pragma once

#include <memory>
#include <string>

#include "workloads/workload.h"

namespace fl {

// What one HTTP exchange came to, before it means anything for an op.
struct Exchange {
  int code = 0;            // CURLcode; 0 = an HTTP answer arrived
  long status = 0;         // its status
  std::string body;
  std::string error;       // libcurl's sentence when code != 0
  bool reused = false;     // a kept-alive connection from an earlier exchange may have carried it
  bool answered() const { return code == 0; }
};

class HttpSession {
 public:
  explicit HttpSession(double timeout_s);
  ~HttpSession();
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  Exchange get(const std::string& url);
  Exchange post(const std::string& url, const std::string& body);
  Exchange put(const std::string& url, const std::string& body);

 private:
  Exchange perform(const std::string& method, const std::string& url, const std::string* body);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The outcome of an exchange that got no answer (see above).
Completion transport_failure(const Exchange& x);

// One GET on a fresh connection; true (and the body) if it answered 200 in time.
bool http_get(const std::string& url, double timeout_s, std::string* body = nullptr);

}  // namespace fl
