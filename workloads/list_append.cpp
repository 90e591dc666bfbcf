// The `list-append` workload (Elle's): transactions of appends of unique
// values to lists and reads of whole lists (TxnOps), judged by
// txn-list-append against strict serializability unless the params name
// other "consistency-models".
#include <memory>

#include "workloads/txn_ops.h"

namespace fl {
namespace {

class ListAppendWorkload : public Workload {
 public:
  explicit ListAppendWorkload(const WorkloadOptions& opts) : ops_(opts.params, "append"), params_(opts.params) {}
  std::string name() const override { return "list-append"; }
  OpSpec next(std::mt19937_64& rng) override { return ops_.next(rng); }
  void completed(const OpSpec& op, const Completion& c) override { ops_.completed(op, c); }
  std::vector<std::string> checkers() const override { return {"txn-list-append", "stats"}; }
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

std::unique_ptr<Workload> make_list_append_workload(const WorkloadOptions& opts) {
  return std::make_unique<ListAppendWorkload>(opts);
}

}  // namespace fl
