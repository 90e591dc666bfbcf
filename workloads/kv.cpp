// The `kv` workload: many independent registers, every op carrying its key.
// Keys rotate (Jepsen's independent generator): ops go to a sliding window of
// `keys` consecutive keys that advances every `ops-per-key` ops, so each key
// gets about ops-per-key ops in all and no key's history grows long enough to
// make the linearizability search expensive. Judged with the kv model. Values
// are small (0 … 4) by default, since each key's history stays short;
// `values=unique` gives fresh ones; `sessions` (which needs them) adds the
// session-guarantee and causal checkers.
#include <algorithm>
#include <atomic>
#include <memory>
#include <stdexcept>

#include "workloads/register_ops.h"

namespace fl {
namespace {

class KvWorkload : public Workload {
 public:
  explicit KvWorkload(const WorkloadOptions& opts)
      : ops_(RegisterMix::from_params(opts.params, RegisterValues::Small)) {
    if (opts.params.is_object()) {
      keys_ = opts.params.value("keys", keys_);
      ops_per_key_ = opts.params.value("ops-per-key", ops_per_key_);
    }
    if (keys_ < 1 || ops_per_key_ < 1)
      throw std::invalid_argument("the kv workload needs keys >= 1 and ops-per-key >= 1");
  }
  std::string name() const override { return "kv"; }
  OpSpec next(std::mt19937_64& rng) override {
    std::int64_t n = issued_.fetch_add(1, std::memory_order_relaxed);
    // The window's first key advances once every ops_per_key / keys ops, so
    // each key stays in the window for ops_per_key ops of all workers.
    std::int64_t step = std::max<std::int64_t>(1, ops_per_key_ / keys_);
    std::int64_t first = n / step;
    std::uniform_int_distribution<std::int64_t> offset(0, keys_ - 1);
    const Json key = first + offset(rng);
    OpSpec op = ops_.next(rng, key);
    op.key = key;
    return op;
  }
  void completed(const OpSpec& op, const Completion& c) override { ops_.completed(op, c); }
  std::vector<OpSpec> final_ops() override {
    // One last read of every key still in the window.
    std::int64_t step = std::max<std::int64_t>(1, ops_per_key_ / keys_);
    std::int64_t first = issued_.load() / step;
    std::vector<OpSpec> ops;
    for (std::int64_t k = first; k < first + keys_; ++k) ops.push_back(OpSpec{"read", nullptr, Json(k)});
    return ops;
  }
  std::vector<std::string> checkers() const override { return ops_.mix().checkers(); }
  std::string model() const override { return "kv"; }

 private:
  RegisterOps ops_;
  std::int64_t keys_ = 8;
  std::int64_t ops_per_key_ = 400;
  std::atomic<std::int64_t> issued_{0};
};

}  // namespace

std::unique_ptr<Workload> make_kv_workload(const WorkloadOptions& opts) {
  return std::make_unique<KvWorkload>(opts);
}

}  // namespace fl
