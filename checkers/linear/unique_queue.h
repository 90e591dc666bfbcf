// A near-linear decision for fifo-queue partitions whose enqueued values are
// unique (no value enqueued twice, none both in --init and enqueued, no null
// enqueued): O(n log n) instead of the search. Invalid comes with the ops of a
// bad pattern that no linearization can have; Valid with a linearization it
// built and checked step by step. nullopt when it cannot decide soundly —
// repeated values, or neither a pattern nor an order found (patterns are not
// used while an unknown dequeue may have taken a value no ok dequeue
// returned) — and the search decides. The patterns and the construction are
// argued in unique_queue.cpp.
#pragma once

#include <optional>

#include "checkers/linear/partition.h"
#include "checkers/linear/search.h"

namespace fl {

std::optional<SearchResult> decide_unique_queue(const Partition& p, const Model& model);

}  // namespace fl
