// The linearizability search over one Partition: Wing & Gong's algorithm with
// Lowe's cache of (linearized set, state), as in Porcupine and Knossos' wgl,
// plus: an undo log instead of copies, a compact cache key (the set as
// "everything below lo" + a window of bits), burying unknown register writes
// nobody can observe any more, linearizing a legal read at once (no branch),
// and trying only the earliest-returning of identical callable ops (each
// proved in search.cpp). It stops with Unknown when the deadline, the memory
// bound or `cancel` hits; the memory bound is checked before the cache grows.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "checkers/checker.h"
#include "checkers/linear/partition.h"

namespace fl {

struct SearchBudget {
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  std::size_t memory_limit_bytes = SIZE_MAX;          // shared by every concurrent search
  std::atomic<std::size_t>* memory_in_use = nullptr;  // bytes held by all searches
  const std::atomic<bool>* cancel = nullptr;          // another part already decided
  std::size_t max_configurations = SIZE_MAX;          // a first, cheap pass stops here
};

struct SearchResult {
  Validity valid = Validity::Unknown;
  std::string reason;           // why Unknown
  std::string method;           // which algorithm decided
  std::int64_t configurations = 0;
  std::size_t peak_bytes = 0;
  // Counterexample (Invalid), as indexes into Partition::ops:
  std::int64_t prefix_length = 0;         // ops in the longest linearizable prefix found
  std::vector<std::int32_t> prefix_tail;  // its last few ops, in linearization order
  std::int32_t blocked = -1;              // the op that could not be linearized after it
  std::vector<std::int32_t> pending;      // ops concurrent with it, not yet linearized
  std::string explanation;                // one sentence
  // A refutation after a cut (cut.h): the prefix starts at op cut_at (not at
  // the first op) in entry_state, one of entry_states, none of which let the
  // ops from there on through. cut_at = -1 for every other result.
  std::int32_t cut_at = -1;
  std::int64_t entry_state = -1;
  std::vector<std::int64_t> entry_states;
};

// An Invalid result of a fast path that needs no search: its witnesses (the
// ops that fix the order; negative ones and repeats dropped) as the prefix
// shown, the op they leave no place for, and why, in one sentence.
SearchResult witnessed_invalid(const char* method, const std::vector<std::int32_t>& witnesses,
                               std::int32_t blocked, std::string why);

// The reductions, all on by default; switching one off (a benchmark measures
// what each is worth) never changes a verdict, only the work.
struct SearchTuning {
  bool forced_reads = true;     // a legal callable read-only op is linearized at once
  bool interchangeable = true;  // of identical callable ops, only the earliest-returning is tried
  bool by_return = true;        // children tried earliest return first (else in invocation order)
};

// The linearizable checker's default memory bound (a quarter of this
// machine's memory) and its hint after an unknown.
std::size_t default_linear_memory_bound();
extern const char* const kLinearUnknownHint;

SearchResult search_linearization(Partition& p, const Model& model, const SearchBudget& budget,
                                  const SearchTuning& tuning = {});

}  // namespace fl
