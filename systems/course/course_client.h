// CourseClient: one logical process's connection to one node speaking the
// course protocol (shared/COURSE.md) — fl-course or a student's server —
// over libcurl with a per-request timeout. Ops map onto the protocol:
// read → GET /kv/K, write → PUT /kv/K, cas → POST /kv/K/cas, add → POST
// /kv/K/add (K is "register", the op's key for kv, "set" for the set).
// Outcomes follow COURSE.md exactly: 200 → ok; 409 → fail; 503 → fail
// (never applied; the session stays on its node); a timeout, a reset, any
// other status, or a 200 whose body is not the protocol's → info, with the
// reason. Not thread-safe: one client per process.
#pragma once

#include <memory>
#include <string>

#include "systems/http_session.h"
#include "workloads/workload.h"

namespace fl {

struct CourseClientOptions {
  std::string url;          // "http://10.213.77.11:7000"
  std::string workload;     // "register", "kv" or "set"
  double timeout_s = 1.0;
};

class CourseClient : public Client {
 public:
  explicit CourseClient(CourseClientOptions opts);
  Completion invoke(const OpSpec& op) override;

 private:
  std::string key_url(const OpSpec& op) const;
  CourseClientOptions opts_;
  HttpSession http_;
};

// COURSE.md's outcome rules on one exchange: 200 with a JSON object → ok
// (`answer` is that object); 409 or 503 → fail; no answer, another status
// or a body that is not an object → info, with the reason. Shared by the
// clients of every course workload.
Completion course_outcome(const Exchange& x, Json& answer);

// A key or lock name as one URL path segment (percent-encoded).
std::string course_path_segment(const std::string& name);

// GET url/health within timeout_s: the answer's JSON object, or null if the
// node did not answer 200 with one.
Json course_health(const std::string& url, double timeout_s);

}  // namespace fl
