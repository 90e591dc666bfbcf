// The bank (Jepsen's): `accounts` accounts holding `total` in all, each
// starting with total / accounts; `transfer` {"from","to","amount"} moves
// 1..max-transfer between two accounts (a client refuses it as fail when
// the source would go negative); `read` → {"account": balance, …} of every
// account. Judged by the bank checker: every read sums to the total, holds
// every account, and no balance is negative. Generic over the Client: any
// system whose client runs each op as one transaction can use it.
// Params: accounts (5), total (100), max-transfer (5), read-fraction (0.5:
// the share of ops that are reads; the final read comes whatever it is).
#pragma once

#include <cstdint>

#include "workloads/workload.h"

namespace fl {

struct BankSpec {
  int accounts = 5;
  std::int64_t total = 100;
  std::int64_t max_transfer = 5;
  double read_fraction = 0.5;
  // Throws std::invalid_argument on bad params.
  static BankSpec from(const Json& params);
  std::int64_t initial_balance(int account) const;  // the remainder goes to account 0
};

}  // namespace fl
