// RegisterOps: the read / write / cas operations of a register, drawn with a
// configurable mix. Two kinds of values: `unique` (every write and every cas
// target is a fresh integer, and a cas expects the value a read saw most
// recently, so it succeeds when nothing changed in between) — histories the
// checker decides in near-linear time; and `small` (values 0 … n-1 drawn at
// random, as Jepsen's register workload does) — cas often finds its value,
// which exercises other paths, but many identical ops make the
// linearizability search hard. With `sessions` (the course systems' default
// for designs weaker than linearizability) values are unique, there is no
// cas, and the session-guarantee and causal checkers, which need unique
// written values and only reads and writes, join the workload's checkers.
// Shared by the register and kv workloads; thread-safe (next() and
// completed() may run on every worker at once).
#pragma once

#include <atomic>
#include <mutex>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "workloads/workload.h"

namespace fl {

enum class RegisterValues { Unique, Small };

struct RegisterMix {
  double read = 1, write = 1, cas = 1;  // relative weights
  RegisterValues kind = RegisterValues::Unique;
  int values = 5;         // small: values are 0 … values-1
  bool sessions = false;  // unique values, no cas; session + causal checkers

  // Reads {"mix": {"read": r, "write": w, "cas": c}, "values": "unique" |
  // "small" | n, "sessions": bool} from params (n: small with values
  // 0 … n-1); `fallback` is the kind when "values" is absent (unique with
  // sessions). Throws
  // std::invalid_argument with one sentence on nonsense (and for sessions
  // with cas or small values).
  static RegisterMix from_params(const Json& params, RegisterValues fallback);
  // The checkers a register workload with this mix is judged by.
  std::vector<std::string> checkers() const;
};

class RegisterOps {
 public:
  explicit RegisterOps(RegisterMix mix) : mix_(mix) {}
  const RegisterMix& mix() const { return mix_; }
  // One op: {"read", null}, {"write", v} or {"cas", [old, new]}; `key` is the
  // key the caller will give it (unique mode's cas expects that key's value).
  OpSpec next(std::mt19937_64& rng, const std::optional<Json>& key = std::nullopt);
  // What a completed op saw: an ok read (or write, or cas) tells a value the
  // register held, which unique mode's next cas expects.
  void completed(const OpSpec& op, const Completion& c);

 private:
  RegisterMix mix_;
  std::atomic<std::int64_t> fresh_{1};     // unique mode: the next value never written
  std::atomic<std::int64_t> seen_{-1};     // unique mode: a value recently held, -1 = none yet (null)
  std::mutex keyed_mu_;                    // the same per key, for keyed ops (kv)
  std::unordered_map<std::string, std::int64_t> keyed_seen_;
  std::int64_t seen(const std::optional<Json>& key);
};

}  // namespace fl
