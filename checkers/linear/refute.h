// A polynomial fast path for register-shaped partitions whose written values
// are unique (Gibbons & Korach's setting): each observed value has exactly one
// writer, so a read of v must fall between v's write and any write that
// surely came after it. Checks only necessary conditions, in O(n log n):
// returns an Invalid result with its three witnesses when one fails, nullopt
// when it proves nothing (the full search then decides).
#pragma once

#include <optional>

#include "checkers/linear/partition.h"
#include "checkers/linear/search.h"

namespace fl {

std::optional<SearchResult> refute_unique_writes(const Partition& p, const Model& model);

}  // namespace fl
