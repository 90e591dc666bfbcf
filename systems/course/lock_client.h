// LockClient: one logical process of the lock workload against a node that
// speaks the course protocol. acquire → POST /lock/L/acquire, retried while
// the lock is held (409) or no leader is known (503) for up to the op's
// wait_ms, after a random 10-30 ms each time; ok carries the token. pause →
// the client itself sleeps (the "GC pause"; nothing is sent). write → POST
// /store/K with the token; release → POST /lock/L/release; read → GET
// /store/K, ok with {"value", "log"}. Outcomes by COURSE.md's rules
// (course_outcome); an acquire any of whose attempts is info is info.
// Not thread-safe: one client per process.
#pragma once

#include <random>
#include <string>

#include "systems/http_session.h"
#include "workloads/workload.h"

namespace fl {

class LockClient : public Client {
 public:
  LockClient(std::string url, double timeout_s);
  Completion invoke(const OpSpec& op) override;

 private:
  Completion acquire(const OpSpec& op);
  std::string url_;
  HttpSession http_;
  std::mt19937_64 rng_;
};

}  // namespace fl
