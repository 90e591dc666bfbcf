// The `register` workload: one key, read / write / cas, judged by the
// linearizability checker with the cas-register model (the key starts absent,
// so the first reads see null) and by the stats checker. Values are unique by
// default (`values=unique`: the checker's unique-value fast paths apply);
// `values=small` (or `values=N`) draws them from 0 … 4 (0 … N-1) as Jepsen's
// register test does, so cas succeeds by chance too. With `sessions`, the
// session-guarantee and causal checkers judge it too.
#include <memory>

#include "workloads/register_ops.h"

namespace fl {
namespace {

class RegisterWorkload : public Workload {
 public:
  explicit RegisterWorkload(const WorkloadOptions& opts)
      : ops_(RegisterMix::from_params(opts.params, RegisterValues::Unique)) {}
  std::string name() const override { return "register"; }
  OpSpec next(std::mt19937_64& rng) override { return ops_.next(rng); }
  void completed(const OpSpec& op, const Completion& c) override { ops_.completed(op, c); }
  std::vector<OpSpec> final_ops() override { return {OpSpec{"read", nullptr, std::nullopt}}; }
  std::vector<std::string> checkers() const override { return ops_.mix().checkers(); }
  std::string model() const override { return "cas-register"; }

 private:
  RegisterOps ops_;
};

}  // namespace

std::unique_ptr<Workload> make_register_workload(const WorkloadOptions& opts) {
  return std::make_unique<RegisterWorkload>(opts);
}

}  // namespace fl
