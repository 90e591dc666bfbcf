// The `g-counter` workload (Maelstrom's grow-only counter): `add` of a small
// positive delta (1…5) and now and then a `read` (a fraction `read-fraction`,
// default 0.2), then after the final heal `final-reads` reads (default 5,
// one per node in turn). Judged by the g-counter checker on each node's
// final read: a counter may lag during the run, but not after it.
#include <memory>
#include <stdexcept>

#include "workloads/workload.h"

namespace fl {
namespace {

class GCounterWorkload : public Workload {
 public:
  explicit GCounterWorkload(const WorkloadOptions& opts) {
    if (opts.params.is_object()) {
      read_fraction_ = opts.params.value("read-fraction", read_fraction_);
      final_reads_ = opts.params.value("final-reads", final_reads_);
    }
    if (read_fraction_ < 0 || read_fraction_ > 1)
      throw std::invalid_argument("the g-counter workload's read-fraction must be between 0 and 1");
    if (final_reads_ < 1) throw std::invalid_argument("the g-counter workload needs final-reads >= 1");
  }
  std::string name() const override { return "g-counter"; }
  OpSpec next(std::mt19937_64& rng) override {
    if (std::uniform_real_distribution<double>(0, 1)(rng) < read_fraction_) return OpSpec{"read", nullptr, std::nullopt};
    return OpSpec{"add", std::uniform_int_distribution<int>(1, 5)(rng), std::nullopt};
  }
  std::vector<OpSpec> final_ops() override {
    return std::vector<OpSpec>(static_cast<std::size_t>(final_reads_), OpSpec{"read", nullptr, std::nullopt});
  }
  std::vector<std::string> checkers() const override { return {"g-counter", "stats"}; }

 private:
  double read_fraction_ = 0.2;
  int final_reads_ = 5;
};

}  // namespace

std::unique_ptr<Workload> make_g_counter_workload(const WorkloadOptions& opts) {
  return std::make_unique<GCounterWorkload>(opts);
}

}  // namespace fl
