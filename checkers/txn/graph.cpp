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

void DepGraph::finish() {
  // Counting sort by source, then each (small) adjacency list by target with
  // duplicates merged: linear in the edges, no global sort.
  std::vector<std::uint32_t> count(n_ + 1, 0);
  for (const Staged& e : staged_) ++count[e.from + 1];
  for (std::size_t v = 0; v < n_; ++v) count[v + 1] += count[v];
  std::vector<std::uint64_t> slots(staged_.size());  // target << 8 | rel
  {
    std::vector<std::uint32_t> fill(count.begin(), count.end() - 1);
    for (const Staged& e : staged_) slots[fill[e.from]++] = (std::uint64_t{e.to} << 8) | e.rel;
  }
  std::vector<Staged>().swap(staged_);
  offset_.assign(n_ + 1, 0);
  to_.clear();
  rels_.clear();
  to_.reserve(slots.size());
  rels_.reserve(slots.size());
  for (std::size_t v = 0; v < n_; ++v) {
    auto b = slots.begin() + count[v], e = slots.begin() + count[v + 1];
    std::sort(b, e);
    for (auto it = b; it != e; ++it) {
      auto target = static_cast<std::uint32_t>(*it >> 8);
      auto rel = static_cast<Rels>(*it & 0xff);
      if (to_.size() > offset_[v] && to_.back() == target)
        rels_.back() |= rel;
      else {
        to_.push_back(target);
        rels_.push_back(rel);
      }
    }
    offset_[v + 1] = static_cast<std::uint32_t>(to_.size());
  }
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
  std::vector<std::vector<std::uint32_t>> preceded_by(txns.size());  // only while in flight
  std::vector<char> drop(txns.size(), 0);
  for (std::size_t pos = 0; pos < ops; ++pos) {
    std::int32_t t = txn_at[pos];
    if (t < 0) continue;
    const Txn& x = txns[t];
    if (static_cast<std::int64_t>(pos) == x.invoke_pos) {
      if (x.complete_pos < 0) continue;  // never completed: Elle links nothing to it
      for (std::uint32_t a : frontier) g.link(a, static_cast<std::uint32_t>(t), kRealtime);
      if (x.ok()) preceded_by[t] = frontier;
      continue;
    }
    if (!x.ok()) continue;
    for (std::uint32_t a : preceded_by[t]) drop[a] = 1;
    std::size_t keep = 0;
    for (std::uint32_t a : frontier)
      if (!drop[a]) frontier[keep++] = a;
    frontier.resize(keep);
    for (std::uint32_t a : preceded_by[t]) drop[a] = 0;
    std::vector<std::uint32_t>().swap(preceded_by[t]);
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
