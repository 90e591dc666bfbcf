// BankClient: one logical process of the bank workload against a node that
// speaks the course protocol: transfer → POST /bank/transfer {"from", "to",
// "amount"}; read → GET /bank, ok with the "accounts" object of balances.
// Outcomes by COURSE.md's rules (course_outcome). Not thread-safe: one
// client per process.
#pragma once

#include <string>

#include "systems/http_session.h"
#include "workloads/workload.h"

namespace fl {

class BankClient : public Client {
 public:
  BankClient(std::string url, double timeout_s) : url_(std::move(url)), http_(timeout_s) {}
  Completion invoke(const OpSpec& op) override;

 private:
  std::string url_;
  HttpSession http_;
};

}  // namespace fl
