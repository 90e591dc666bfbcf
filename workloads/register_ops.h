// RegisterOps: the read / write / cas operations of a register, drawn with a
// configurable mix from a small value range (so cas finds its expected value
// often enough to succeed sometimes). Shared by the register and kv
// workloads; pure and thread-safe (state is the caller's rng and counter).
// With `sessions`, every write carries a fresh value and there is no cas:
// the session-guarantee and causal checkers need unique written values, and
// they join the checkers of the workload.
#pragma once

#include <atomic>
#include <random>
#include <string>
#include <vector>

#include "workloads/workload.h"

namespace fl {

struct RegisterMix {
  double read = 1, write = 1, cas = 1;  // relative weights
  int values = 5;                        // values are 0 … values-1
  bool sessions = false;                 // unique writes, no cas; session + causal checkers

  // Reads {"mix": {"read": r, "write": w, "cas": c}, "values": n,
  // "sessions": bool} from params; throws std::invalid_argument with one
  // sentence on nonsense (and for sessions with cas).
  static RegisterMix from_params(const Json& params);
  // The checkers a register workload with this mix is judged by.
  std::vector<std::string> checkers() const;
};

// One op: {"read", null}, {"write", v} or {"cas", [old, new]}. With
// mix.sessions, a write's value is (*fresh)++ instead of a random one.
OpSpec next_register_op(const RegisterMix& mix, std::mt19937_64& rng, std::atomic<std::int64_t>* fresh = nullptr);

}  // namespace fl
