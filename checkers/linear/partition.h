// Splitting a history for the linearizability search (P-compositionality,
// Herlihy & Wing): ops on different keys are independent objects, so each key
// is checked on its own. A Partition is one key's ops, integer-coded by the
// model once: fail ops dropped, unknown ops that cannot change the state
// dropped, identical ops sharing one class. Encoding throws BadInput with the
// op's file:line when an op does not fit the model.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "checkers/models/model.h"
#include "history/history.h"

namespace fl {

constexpr std::int64_t kNever = INT64_MAX;  // the return time of an op that never completed ok

struct SearchOp {
  std::int64_t call = 0;       // position of the invocation in the history
  std::int64_t ret = kNever;   // position of the ok completion; kNever when unknown (info)
  std::int32_t cls = 0;        // index into Partition::classes
  std::int32_t pair = 0;       // index into History::pairs()
  std::int64_t observes = kOpaque, produces = kOpaque;  // Model::observes / produces
  bool ok() const { return ret != kNever; }
};

struct PartitionPlan {
  std::string key;                 // the key's JSON, "" for unkeyed ops
  std::vector<std::int32_t> pairs; // indexes into History::pairs(), in invocation order
};

// Identical ops share a class: the classes' hash.
struct ModelOpHash {
  std::size_t operator()(const ModelOp& m) const {
    std::uint64_t h = static_cast<std::uint64_t>(m.f) * 0x9E3779B97F4A7C15ull;
    auto mixin = [&h](std::int64_t x) {
      h ^= static_cast<std::uint64_t>(x) + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    };
    mixin(m.a);
    mixin(m.b);
    for (std::int64_t x : m.xs) mixin(x);
    return static_cast<std::size_t>(h);
  }
};

struct Partition {
  std::string key;
  ValueTable values;
  State init;
  std::vector<ModelOp> classes;
  std::vector<SearchOp> ops;   // in invocation order
  bool register_like = false;  // every op has a known observes / produces
};

// Groups the client ops by key (ops without a key form one group), skipping fail ops.
std::vector<PartitionPlan> plan_partitions(const History& h);

Partition encode_partition(const History& h, const PartitionPlan& plan, const Model& model,
                           const std::optional<Json>& init);

}  // namespace fl
