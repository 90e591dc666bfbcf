// The `unique-ids` workload (Maelstrom's): every op is a `generate`, which
// must return an id no other generate returned (the unique-ids checker).
#include <memory>

#include "workloads/workload.h"

namespace fl {
namespace {

class UniqueIdsWorkload : public Workload {
 public:
  std::string name() const override { return "unique-ids"; }
  OpSpec next(std::mt19937_64&) override { return OpSpec{"generate", nullptr, std::nullopt}; }
  std::vector<std::string> checkers() const override { return {"unique-ids", "stats"}; }
};

}  // namespace

std::unique_ptr<Workload> make_unique_ids_workload(const WorkloadOptions&) {
  return std::make_unique<UniqueIdsWorkload>();
}

}  // namespace fl
