// An exact linear-time decision for set partitions whose added values are
// unique (no value added twice, none both in --init and added): every read
// returns the whole set, so the reads must form a chain and the history has
// one linearization shape; checking it costs O(n log n + total read size).
// It returns Valid or Invalid (with the ops that clash) and nullopt when the
// values are not unique (the search decides). The argument is in
// unique_set.cpp.
#pragma once

#include <optional>

#include "checkers/linear/partition.h"
#include "checkers/linear/search.h"

namespace fl {

std::optional<SearchResult> decide_unique_set(const Partition& p, const Model& model);

}  // namespace fl
