// The `register` workload: one key, read / write / cas, judged by the
// linearizability checker with the cas-register model (the key starts absent,
// so the first reads see null) and by the stats checker — and, with
// `sessions`, by the session-guarantee and causal checkers too.
#include <memory>

#include "workloads/register_ops.h"

namespace fl {
namespace {

class RegisterWorkload : public Workload {
 public:
  explicit RegisterWorkload(const WorkloadOptions& opts) : mix_(RegisterMix::from_params(opts.params)) {}
  std::string name() const override { return "register"; }
  std::string description() const override {
    return "one register: read / write / cas over a small value range (cas-register model)";
  }
  OpSpec next(std::mt19937_64& rng) override { return next_register_op(mix_, rng, &fresh_); }
  std::vector<OpSpec> final_ops() override { return {OpSpec{"read", nullptr, std::nullopt}}; }
  std::vector<std::string> checkers() const override { return mix_.checkers(); }
  std::string model() const override { return "cas-register"; }

 private:
  RegisterMix mix_;
  std::atomic<std::int64_t> fresh_{1};
};

}  // namespace

std::unique_ptr<Workload> make_register_workload(const WorkloadOptions& opts) {
  return std::make_unique<RegisterWorkload>(opts);
}

}  // namespace fl
