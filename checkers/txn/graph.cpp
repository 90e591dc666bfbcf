#include "checkers/txn/graph.h"

#include <algorithm>
#include <unordered_map>

namespace fl::txn {

const char* rel_name(Rels one) {
  switch (one) {
    case kWW: return "ww";
    case kWR: return "wr";
    case kRW: return "rw";
    case kProcess: return "process";
    case kRealtime: return "realtime";
    default: return "?";
  }
}

void DepGraph::start_counting() {
  counting_ = true;
  offset_.assign(n_ + 1, 0);
  to_.clear();
  rels_.clear();
}

void DepGraph::start_placing() {
  counting_ = false;
  for (std::size_t v = 0; v < n_; ++v) offset_[v + 1] += offset_[v];
  to_.assign(offset_[n_], 0);
  rels_.assign(offset_[n_], 0);
}

void DepGraph::finish() {
  // Placing moved each offset_[v] to the end of v's edges, where v + 1's
  // begin: shift them back. Then each (small) adjacency list is sorted by
  // target with duplicates merged, compacted towards the front.
  for (std::size_t v = n_; v > 0; --v) offset_[v] = offset_[v - 1];
  offset_[0] = 0;
  std::vector<std::uint64_t> scratch;  // target << 8 | rel
  std::uint32_t out = 0;
  for (std::size_t v = 0; v < n_; ++v) {
    std::uint32_t b = offset_[v], e = offset_[v + 1];
    scratch.clear();
    for (std::uint32_t i = b; i < e; ++i) scratch.push_back((std::uint64_t{to_[i]} << 8) | rels_[i]);
    std::sort(scratch.begin(), scratch.end());
    offset_[v] = out;
    for (std::uint64_t x : scratch) {
      auto target = static_cast<std::uint32_t>(x >> 8);
      auto rel = static_cast<Rels>(x & 0xff);
      if (out > offset_[v] && to_[out - 1] == target) {
        rels_[out - 1] |= rel;
      } else {
        to_[out] = target;
        rels_[out] = rel;
        ++out;
      }
    }
  }
  offset_[n_] = out;
  to_.resize(out);
  rels_.resize(out);
  to_.shrink_to_fit();
  rels_.shrink_to_fit();
}

Rels DepGraph::rels(std::uint32_t a, std::uint32_t b) const {
  auto first = to_.begin() + offset_[a], last = to_.begin() + offset_[a + 1];
  auto it = std::lower_bound(first, last, b);
  return it != last && *it == b ? rels_[it - to_.begin()] : 0;
}

void add_realtime_order(DepGraph& g, const Txns& txns) {
  // Walk the history's events in order: at an invocation link every ok txn
  // of the frontier to it; at an ok completion drop from the frontier what
  // that txn already follows (it was linked from them), then add it.
  const auto ops = static_cast<std::size_t>(txns.op_count());
  std::vector<std::int32_t> txn_at(ops, -1);
  for (std::size_t i = 0; i < txns.size(); ++i) {
    txn_at[txns[i].invoke_pos] = static_cast<std::int32_t>(i);
    if (txns[i].complete_pos >= 0) txn_at[txns[i].complete_pos] = static_cast<std::int32_t>(i);
  }
  std::vector<std::uint32_t> frontier;
  std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> preceded_by;  // the ok txns in flight
  std::vector<char> drop(txns.size(), 0);
  for (std::size_t pos = 0; pos < ops; ++pos) {
    std::int32_t t = txn_at[pos];
    if (t < 0) continue;
    const Txn& x = txns[t];
    if (static_cast<std::int64_t>(pos) == x.invoke_pos) {
      if (x.complete_pos < 0) continue;  // never completed: Elle links nothing to it
      for (std::uint32_t a : frontier) g.link(a, static_cast<std::uint32_t>(t), kRealtime);
      if (x.ok()) preceded_by[static_cast<std::uint32_t>(t)] = frontier;
      continue;
    }
    if (!x.ok()) continue;
    auto before = preceded_by.find(static_cast<std::uint32_t>(t));
    if (before != preceded_by.end()) {
      for (std::uint32_t a : before->second) drop[a] = 1;
      std::size_t keep = 0;
      for (std::uint32_t a : frontier)
        if (!drop[a]) frontier[keep++] = a;
      frontier.resize(keep);
      for (std::uint32_t a : before->second) drop[a] = 0;
      preceded_by.erase(before);
    }
    frontier.push_back(static_cast<std::uint32_t>(t));
  }
}

void add_process_order(DepGraph& g, const Txns& txns) {
  // Completion order within a process is invocation order (one op at a time).
  std::unordered_map<std::int64_t, std::uint32_t> last;
  std::vector<std::uint32_t> order;
  for (std::uint32_t i = 0; i < txns.size(); ++i)
    if (txns[i].ok()) order.push_back(i);
  std::sort(order.begin(), order.end(),
            [&](std::uint32_t a, std::uint32_t b) { return txns[a].complete_pos < txns[b].complete_pos; });
  for (std::uint32_t i : order) {
    auto [it, fresh] = last.try_emplace(txns[i].process, i);
    if (!fresh) {
      g.link(it->second, i, kProcess);
      it->second = i;
    }
  }
}

}  // namespace fl::txn
