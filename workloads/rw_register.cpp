// The `rw-register` workload (Elle's): transactions of reads and unique
// writes of registers (TxnOps), judged by txn-rw-register against strict
// serializability unless the params name other "consistency-models"; the
// params may also say "linearizable-keys", "sequential-keys", "wfr-keys".
#include <memory>

#include "workloads/txn_ops.h"

namespace fl {
namespace {

class RwRegisterWorkload : public Workload {
 public:
  explicit RwRegisterWorkload(const WorkloadOptions& opts) : ops_(opts.params, "w"), params_(opts.params) {}
  std::string name() const override { return "rw-register"; }
  OpSpec next(std::mt19937_64& rng) override { return ops_.next(rng); }
  void completed(const OpSpec& op, const Completion& c) override { ops_.completed(op, c); }
  std::vector<std::string> checkers() const override { return {"txn-rw-register", "stats"}; }
  Json check_params() const override { return txn_check_params(params_); }
  // A run starts from an empty store and its keys are fresh: every key
  // starts absent, so the checker may call a read of a value nobody wrote
  // what it is (test.json records this as "init": {}).
  std::optional<Json> init() const override { return Json::object(); }

 private:
  TxnOps ops_;
  Json params_;
};

}  // namespace

std::unique_ptr<Workload> make_rw_register_workload(const WorkloadOptions& opts) {
  return std::make_unique<RwRegisterWorkload>(opts);
}

}  // namespace fl
