// The `echo` workload (Maelstrom's first): each op sends a unique string and
// expects it back. Judged by the echo checker.
#include <atomic>
#include <memory>
#include <string>

#include "workloads/workload.h"

namespace fl {
namespace {

class EchoWorkload : public Workload {
 public:
  std::string name() const override { return "echo"; }
  OpSpec next(std::mt19937_64&) override {
    return OpSpec{"echo", "please echo " + std::to_string(next_.fetch_add(1, std::memory_order_relaxed)), std::nullopt};
  }
  std::vector<std::string> checkers() const override { return {"echo", "stats"}; }

 private:
  std::atomic<std::int64_t> next_{0};
};

}  // namespace

std::unique_ptr<Workload> make_echo_workload(const WorkloadOptions&) { return std::make_unique<EchoWorkload>(); }

}  // namespace fl
