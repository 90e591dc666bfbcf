// The `set` workload (Jepsen's set): every add inserts a fresh integer (an
// atomic counter, so no element is added twice) and, with `read_every` > 0,
// one op in read_every is a read of the whole set; after the final heal, one
// read. Judged by the set checker (an acknowledged add missing from the final
// read is lost) and stats. Generic over any Client that answers `add` v and
// `read` → [v…] (DESIGN.md's op shapes).
#include <atomic>
#include <memory>
#include <stdexcept>

#include "workloads/workload.h"

namespace fl {
namespace {

class SetWorkload : public Workload {
 public:
  explicit SetWorkload(const WorkloadOptions& opts) {
    if (opts.params.is_object()) read_every_ = opts.params.value("read_every", read_every_);
    if (read_every_ < 0) throw std::invalid_argument("the set workload needs read_every >= 0 (0 = no reads until the end)");
  }
  std::string name() const override { return "set"; }
  std::string description() const override {
    return "a set: add unique integers, read the whole set now and then and once at the end (set checker)";
  }
  OpSpec next(std::mt19937_64& rng) override {
    if (read_every_ > 0 && std::uniform_int_distribution<int>(1, read_every_)(rng) == 1)
      return OpSpec{"read", nullptr, std::nullopt};
    return OpSpec{"add", next_.fetch_add(1, std::memory_order_relaxed), std::nullopt};
  }
  std::vector<OpSpec> final_ops() override { return {OpSpec{"read", nullptr, std::nullopt}}; }
  std::vector<std::string> checkers() const override { return {"set", "stats"}; }

 private:
  int read_every_ = 10;
  std::atomic<std::int64_t> next_{0};
};

}  // namespace

std::unique_ptr<Workload> make_set_workload(const WorkloadOptions& opts) { return std::make_unique<SetWorkload>(opts); }

}  // namespace fl
