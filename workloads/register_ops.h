// RegisterOps: the read / write / cas operations of a register, drawn with a
// configurable mix from a small value range (so cas finds its expected value
// often enough to succeed sometimes). Shared by the register and kv
// workloads; pure and thread-safe (state is the caller's rng).
#pragma once

#include <random>

#include "workloads/workload.h"

namespace fl {

struct RegisterMix {
  double read = 1, write = 1, cas = 1;  // relative weights
  int values = 5;                        // values are 0 … values-1

  // Reads {"mix": {"read": r, "write": w, "cas": c}, "values": n} from params;
  // throws std::invalid_argument with one sentence on nonsense.
  static RegisterMix from_params(const Json& params);
};

// One op: {"read", null}, {"write", v} or {"cas", [old, new]}.
OpSpec next_register_op(const RegisterMix& mix, std::mt19937_64& rng);

}  // namespace fl
