// A polynomial fast path for register-shaped partitions whose written values
// are unique (Gibbons & Korach's setting): each observed value has exactly one
// writer, so a read of v must fall between v's write and any write that
// surely came after it. Checks only necessary conditions, in O(n log n):
// returns an Invalid result with its three witnesses when one fails, nullopt
// when it proves nothing (the full search then decides). Each is sound: it
// refutes only what has no linearization (proofs in refute.cpp).
#pragma once

#include <optional>

#include "checkers/linear/partition.h"
#include "checkers/linear/search.h"

namespace fl {

std::optional<SearchResult> refute_unique_writes(const Partition& p, const Model& model);

// Any register-shaped partition, values repeated or not: an ok op that needs
// value v (a read of v, a cas from v) must be preceded, after the latest-
// invoked ok write or cas that completed before it began (w), by an op that
// can produce v and is not over before w begins nor begins after the op ends
// (or by the initial state, when no write completed before it). Otherwise no
// order explains it: the stale read of a lagging replica, decided in
// O(n log n) however many identical ops the history holds.
std::optional<SearchResult> refute_stale_windows(const Partition& p, const Model& model);

}  // namespace fl
