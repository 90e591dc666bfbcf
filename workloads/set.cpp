// The `set` workload (Jepsen's set): `add` of unique values — every add
// carries a value no other add uses — with a `read` of the whole set now and
// then (a fraction `read-fraction` of ops, default 0.1), and after the final
// heal one read per node (`final-reads`, default 3 or the node count; the runner sends the
// final ops to successive nodes). Judged by the set checker: an acknowledged
// add missing from the final read is lost, an element nobody added is
// unexpected, each named by op index.
// The `broadcast` workload (Maelstrom's) is the same ops, `add` being a
// broadcast, with five final reads (or one per node, when more) and
// the broadcast checker first: every node's final read must hold every
// acknowledged value. The `g-set` workload (Maelstrom's grow-only set) is
// the broadcast workload's ops and checkers under its own name: `add` an
// element, `read` the set.
#include <algorithm>
#include <atomic>
#include <memory>
#include <stdexcept>

#include "workloads/workload.h"

namespace fl {
namespace {

class SetWorkload : public Workload {
 public:
  SetWorkload(const WorkloadOptions& opts, std::string name, std::vector<std::string> checkers, int final_reads)
      : name_(std::move(name)), checkers_(std::move(checkers)), final_reads_(std::max(final_reads, opts.nodes)) {
    // At least one final read on every node: a node left unread is a node unjudged.
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
    return OpSpec{"add", next_value_.fetch_add(1, std::memory_order_relaxed), std::nullopt};
  }
  std::vector<OpSpec> final_ops() override {
    return std::vector<OpSpec>(static_cast<std::size_t>(final_reads_), OpSpec{"read", nullptr, std::nullopt});
  }
  std::vector<std::string> checkers() const override { return checkers_; }

 private:
  std::string name_;
  std::vector<std::string> checkers_;
  double read_fraction_ = 0.1;
  int final_reads_;
  std::atomic<std::int64_t> next_value_{0};
};

}  // namespace

std::unique_ptr<Workload> make_set_workload(const WorkloadOptions& opts) {
  return std::make_unique<SetWorkload>(opts, "set", std::vector<std::string>{"set", "stats"}, 3);
}

std::unique_ptr<Workload> make_broadcast_workload(const WorkloadOptions& opts) {
  return std::make_unique<SetWorkload>(opts, "broadcast", std::vector<std::string>{"broadcast", "set", "stats"}, 5);
}

std::unique_ptr<Workload> make_g_set_workload(const WorkloadOptions& opts) {
  return std::make_unique<SetWorkload>(opts, "g-set", std::vector<std::string>{"broadcast", "set", "stats"}, 5);
}

}  // namespace fl
