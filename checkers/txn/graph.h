// DepGraph: the dependency graph between transactions (Adya's DSG plus the
// orders Elle adds): vertices are Txns indexes, and an edge a → b carries a
// bitset of why b must follow a — ww, wr, rw (data dependencies), process
// (same process, later) and realtime (b began after a completed). build()
// lays the edges that link() names out as adjacency arrays (one entry per
// ordered pair, sorted by target, reasons OR-ed). No self-edges.
// The edges are named twice — the first pass counts each vertex's out-edges,
// the second puts them in place — so no list of every edge is held: about
// 5 bytes an edge as linked (then as kept), where a staged list took 12, and
// 8 more while it was sorted.
// Not thread-safe while building; const methods are safe afterwards.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "checkers/txn/txns.h"

namespace fl::txn {

using Rels = std::uint8_t;
constexpr Rels kWW = 1, kWR = 2, kRW = 4, kProcess = 8, kRealtime = 16;
constexpr Rels kData = kWW | kWR | kRW;

// "ww", "wr", "rw", "process", "realtime" for a single relation bit.
const char* rel_name(Rels one);

class DepGraph {
 public:
  explicit DepGraph(std::size_t vertices) : n_(vertices) {}

  // Calls add_edges(*this) twice; it must link() the same edges each time.
  // Then placed(), before the adjacency lists are sorted and compacted: the
  // caller may release there what the edges were made from.
  template <class F, class G>
  void build(F&& add_edges, G&& placed) {
    start_counting();
    add_edges(*this);
    start_placing();
    add_edges(*this);
    placed();
    finish();
  }
  template <class F>
  void build(F&& add_edges) {
    build(add_edges, [] {});
  }
  void link(std::uint32_t a, std::uint32_t b, Rels r) {
    if (a == b) return;
    if (counting_) {
      ++offset_[a + 1];
    } else {
      std::uint32_t at = offset_[a]++;
      to_[at] = b;
      rels_[at] = r;
    }
  }

  std::size_t vertices() const { return n_; }
  std::size_t edges() const { return to_.size(); }
  // Out-neighbours of v: targets [out_begin, out_end) in to() / rels().
  std::uint32_t out_begin(std::uint32_t v) const { return offset_[v]; }
  std::uint32_t out_end(std::uint32_t v) const { return offset_[v + 1]; }
  std::uint32_t to(std::uint32_t e) const { return to_[e]; }
  Rels rels(std::uint32_t e) const { return rels_[e]; }
  // The reasons for a → b (0 when there is no edge).
  Rels rels(std::uint32_t a, std::uint32_t b) const;
  const std::vector<std::uint32_t>& offsets() const { return offset_; }
  const std::vector<std::uint32_t>& targets() const { return to_; }

 private:
  void start_counting();
  void start_placing();
  void finish();

  std::size_t n_;
  bool counting_ = true;
  // While counting, offset_[v + 1] counts v's edges; while placing,
  // offset_[v] is where v's next edge goes.
  std::vector<std::uint32_t> offset_, to_;
  std::vector<Rels> rels_;
};

// Real-time order (Elle's transitive reduction): a → b when b was invoked
// after a completed ok, linking only from the ok txns no later ok txn is
// known to follow. Failed and unfinished txns get incoming edges only.
void add_realtime_order(DepGraph& g, const Txns& txns);
// Process order: each process's ok txns, one after the other.
void add_process_order(DepGraph& g, const Txns& txns);

}  // namespace fl::txn
