// The `g-counter` workload (Maelstrom's grow-only counter): `add` of a small
// positive delta (1…5) and now and then a `read` (a fraction `read-fraction`,
// default 0.2), then after the final heal `final-reads` reads (default 5
// or the node count, one per node in turn). Judged by the g-counter checker on each node's
// final read: a counter may lag during the run, but not after it.
// The `pn-counter` workload (Maelstrom's counter that also decrements) is the
// same with deltas of -5…5 (never 0), judged by the pn-counter checker.
#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>

#include "workloads/workload.h"

namespace fl {
namespace {

class GCounterWorkload : public Workload {
 public:
  GCounterWorkload(const WorkloadOptions& opts, std::string name) : name_(std::move(name)) {
    final_reads_ = std::max(final_reads_, opts.nodes);  // every node's final value is judged
    if (opts.params.is_object()) {
      read_fraction_ = opts.params.value("read-fraction", read_fraction_);
      final_reads_ = opts.params.value("final-reads", final_reads_);
    }
    if (read_fraction_ < 0 || read_fraction_ > 1)
      throw std::invalid_argument("the " + name_ + " workload's read-fraction must be between 0 and 1");
    if (final_reads_ < 1) throw std::invalid_argument("the " + name_ + " workload needs final-reads >= 1");
  }
  std::string name() const override { return name_; }
  OpSpec next(std::mt19937_64& rng) override {
    if (std::uniform_real_distribution<double>(0, 1)(rng) < read_fraction_) return OpSpec{"read", nullptr, std::nullopt};
    int delta = std::uniform_int_distribution<int>(1, 5)(rng);
    if (name_ == "pn-counter" && std::bernoulli_distribution(0.5)(rng)) delta = -delta;
    return OpSpec{"add", delta, std::nullopt};
  }
  std::vector<OpSpec> final_ops() override {
    return std::vector<OpSpec>(static_cast<std::size_t>(final_reads_), OpSpec{"read", nullptr, std::nullopt});
  }
  std::vector<std::string> checkers() const override { return {name_, "stats"}; }

 private:
  std::string name_;
  double read_fraction_ = 0.2;
  int final_reads_ = 5;
};

}  // namespace

std::unique_ptr<Workload> make_g_counter_workload(const WorkloadOptions& opts) {
  return std::make_unique<GCounterWorkload>(opts, "g-counter");
}

std::unique_ptr<Workload> make_pn_counter_workload(const WorkloadOptions& opts) {
  return std::make_unique<GCounterWorkload>(opts, "pn-counter");
}

}  // namespace fl
