// Cutting a register-shaped partition where nothing is open: at a point where
// every op invoked so far has completed and none has begun since, every
// linearization puts all ops before the point ahead of all ops after it. The
// state there is then the value of the last write linearized before it, and
// that write can only be one no other earlier write began after the end of
// (or the initial state, if nothing before wrote). So a stretch between two
// such points that the search cannot linearize from any of those states has
// no linearization in the whole history, whatever the busy stretches before
// it allow: a stale read planted after a busy run is decided in a search over
// the stretch alone, where the search over the whole history would have to
// exhaust every order of the busy run first.
//
// It only refutes: a stretch that some state lets through proves nothing about
// the chain, and the full search then decides. Each search is capped (a busy
// stretch is left to the full search), and so is the whole pass, so it adds
// little to a history it cannot refute. Indexes in an Invalid result are the
// partition's.
#pragma once

#include <cstddef>
#include <optional>

#include "checkers/linear/partition.h"
#include "checkers/linear/search.h"

namespace fl {

// nullopt when the partition is not register-shaped, has no such point, or no
// stretch is refuted within the caps. The budget's deadline, memory and
// cancel apply; its max_configurations is ignored (the pass sets its own).
// A stretch shorter than min_stretch is merged with the next one (so a
// history of one client, with a cut after every op, costs a few hundred
// searches per 100,000 ops, not one per op); tests set 1.
constexpr std::size_t kMinStretch = 64;
std::optional<SearchResult> refute_after_cuts(Partition& p, const Model& model, const SearchBudget& budget,
                                              std::size_t min_stretch = kMinStretch);

}  // namespace fl
