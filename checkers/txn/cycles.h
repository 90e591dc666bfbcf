// Cycle analysis of a DepGraph, as Elle does it: strongly connected
// components of the whole graph; inside each, the models whose forbidden
// subgraph has a cycle ("PL-2-cycle-exists", … found by projecting the
// component's edges, and for snapshot isolation by Elle's extension A ∪ A;B
// that lets rw edges appear only non-adjacently); then, class by class in
// Elle's severity order, the shortest cycle of each anomaly class (G0, G1c,
// G-single-item, G-nonadjacent-item, G2-item and their -process and
// -realtime variants), skipping classes implied by one already found or
// ruled out by the cycle-exists results.
// A cycle is classified by the one reason each step is explained with —
// the first of the checker's `priority` that the edge carries (Elle's
// explainers: list-append says ww before wr before rw, rw-register wr before
// ww before rw; both before process and real time).
// The search stops at `deadline` and says so (Elle's cycle-search-timeout).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "checkers/txn/graph.h"

namespace fl::txn {

struct Cycle {
  std::string type;                   // "G1c-realtime", …
  std::vector<std::uint32_t> txns;    // t0 → t1 → … → t0 (t0 not repeated)
  std::vector<Rels> steps;            // steps[i]: txns[i] → txns[i+1 mod n]
};

struct CycleExists {
  std::string type;                   // "PL-2-cycle-exists", …
  std::string model;                  // friendly name of the model it rules out
  std::string subgraph;               // e.g. "ww ∪ wr ∪ realtime"
  std::vector<std::uint32_t> scc;     // the smallest such component
};

struct CycleReport {
  std::vector<Cycle> cycles;
  std::vector<CycleExists> exists;
  std::size_t sccs = 0;               // nontrivial components of the whole graph
  bool timed_out = false;             // the deadline stopped a search
  std::string timed_out_class;        // the class being searched then
  std::size_t timed_out_scc_size = 0;
};

using Priority = std::array<Rels, 5>;
constexpr Priority kListAppendPriority = {kWW, kWR, kRW, kProcess, kRealtime};
constexpr Priority kRwRegisterPriority = {kWR, kWW, kRW, kProcess, kRealtime};

// The one reason an edge carrying `rels` is explained with.
Rels primary_rel(Rels rels, const Priority& priority);

CycleReport find_cycles(const DepGraph& g, const Priority& priority,
                        std::chrono::steady_clock::time_point deadline);

// Nontrivial strongly connected components (more than one vertex, or one
// with a self-edge) of the graph given as adjacency arrays.
std::vector<std::vector<std::uint32_t>> strongly_connected(std::size_t n, const std::vector<std::uint32_t>& offset,
                                                           const std::vector<std::uint32_t>& to);

}  // namespace fl::txn
