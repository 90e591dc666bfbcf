#include "checkers/linear/cut.h"

#include <algorithm>
#include <queue>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>

namespace fl {
namespace {

// Each search may visit this many configurations per op of its stretch (a
// busy stretch runs out and is left to the full search)...
constexpr std::size_t kPerOp = 8;
constexpr std::size_t kPerSearch = 4096;
// ...and the whole pass this many per op of the partition.
constexpr std::int64_t kPassPerOp = 4;
constexpr std::int64_t kPass = 65536;
constexpr std::size_t kValuesShown = 6;

struct Stretch {
  std::size_t begin = 0, end = 0;     // ops [begin, end) of the partition
  std::vector<std::int64_t> entries;  // the states it can begin in
};

// The stretches between points where nothing is open, each with the states
// the ops before it can leave: the value of any write that no earlier write
// began after the end of; the initial state when nothing wrote.
std::vector<Stretch> stretches(const Partition& p, std::size_t min_stretch) {
  std::vector<Stretch> out;
  const std::size_t n = p.ops.size();
  // Writes that may still be the last one linearized, by return.
  using Live = std::pair<std::int64_t, std::int64_t>;  // (ret, value)
  std::priority_queue<Live, std::vector<Live>, std::greater<Live>> live;
  std::int64_t last_write_call = -1, latest_return = -1;
  bool wrote = false;
  out.push_back(Stretch{0, 0, {p.init[0]}});
  for (std::size_t k = 0; k < n; ++k) {
    const SearchOp& op = p.ops[k];
    if (k > 0 && latest_return < op.call && k - out.back().begin >= min_stretch) {
      out.back().end = k;
      Stretch s{k, 0, {}};
      if (!wrote) s.entries.push_back(p.init[0]);
      for (auto copy = live; !copy.empty(); copy.pop()) s.entries.push_back(copy.top().second);
      std::sort(s.entries.begin(), s.entries.end());
      s.entries.erase(std::unique(s.entries.begin(), s.entries.end()), s.entries.end());
      out.push_back(std::move(s));
    }
    latest_return = std::max(latest_return, op.ret);
    if (op.produces >= 0) {
      wrote = true;
      last_write_call = op.call;  // ops come in invocation order
      live.emplace(op.ret, op.produces);
    }
    while (!live.empty() && live.top().first <= last_write_call) live.pop();
  }
  out.back().end = n;
  return out;
}

// The stretch's ops as a partition of their own (classes renumbered), which
// borrows the partition's value table while it is searched.
Partition stretch_partition(const Partition& p, const Stretch& s) {
  Partition sub;
  sub.key = p.key;
  sub.register_like = true;
  std::unordered_map<std::int32_t, std::int32_t> cls;
  sub.ops.assign(p.ops.begin() + static_cast<std::ptrdiff_t>(s.begin),
                 p.ops.begin() + static_cast<std::ptrdiff_t>(s.end));
  for (SearchOp& op : sub.ops) {
    auto [it, fresh] = cls.emplace(op.cls, static_cast<std::int32_t>(sub.classes.size()));
    if (fresh) sub.classes.push_back(p.classes[static_cast<std::size_t>(op.cls)]);
    op.cls = it->second;
  }
  return sub;
}

// Lends the partition's value table to a stretch's search, and takes it back
// however the search ends.
class Borrow {
 public:
  Borrow(Partition& owner, Partition& borrower) : owner_(owner), borrower_(borrower) {
    std::swap(owner_.values, borrower_.values);
  }
  ~Borrow() { std::swap(owner_.values, borrower_.values); }
  Borrow(const Borrow&) = delete;
  Borrow& operator=(const Borrow&) = delete;

 private:
  Partition& owner_;
  Partition& borrower_;
};

}  // namespace

std::optional<SearchResult> refute_after_cuts(Partition& p, const Model& model, const SearchBudget& budget,
                                              std::size_t min_stretch) {
  if (!p.register_like || !model.single_word() || p.init.size() != 1 || p.ops.empty()) return std::nullopt;
  for (const SearchOp& op : p.ops)
    if ((op.produces < 0 && op.produces != kNoValue) || (op.observes < 0 && op.observes != kNoValue))
      return std::nullopt;
  std::vector<Stretch> parts = stretches(p, std::max<std::size_t>(1, min_stretch));
  if (parts.size() < 2) return std::nullopt;
  // Short stretches first: cheap to search, and a planted anomaly is short.
  std::stable_sort(parts.begin(), parts.end(), [](const Stretch& a, const Stretch& b) {
    return a.end - a.begin < b.end - b.begin;
  });

  std::int64_t spent = 0;
  const std::int64_t pass_cap = kPassPerOp * static_cast<std::int64_t>(p.ops.size()) + kPass;
  std::size_t peak = 0;
  for (const Stretch& s : parts) {
    Partition sub = stretch_partition(p, s);
    std::optional<SearchResult> worst;  // the entry state whose search got furthest
    std::int64_t worst_entry = 0;
    std::size_t refuted = 0;  // entry states from which the stretch is not linearizable
    for (std::int64_t entry : s.entries) {
      SearchBudget b = budget;
      b.max_configurations = kPerOp * (s.end - s.begin) + kPerSearch;
      sub.init = {entry};
      SearchResult r;
      {
        Borrow lend(p, sub);
        r = search_linearization(sub, model, b);
      }
      spent += r.configurations;
      peak = std::max(peak, r.peak_bytes);
      if (r.valid == Validity::Unknown && r.reason != "first pass") return std::nullopt;  // time, memory, cancel
      if (r.valid != Validity::Invalid) break;
      ++refuted;
      if (!worst || r.prefix_length > worst->prefix_length) {
        worst = std::move(r);
        worst_entry = entry;
      }
      if (spent > pass_cap) break;
    }
    if (refuted == s.entries.size()) {
      SearchResult out = std::move(*worst);
      const auto off = static_cast<std::int32_t>(s.begin);
      for (std::int32_t& i : out.prefix_tail) i += off;
      for (std::int32_t& i : out.pending) i += off;
      if (out.blocked >= 0) out.blocked += off;
      out.method = "wgl after a cut";
      out.configurations = spent;
      out.peak_bytes = peak;
      out.cut_at = off;
      out.entry_state = worst_entry;
      out.entry_states = s.entries;
      std::string values;
      for (std::size_t k = 0; k < s.entries.size() && k < kValuesShown; ++k)
        values += (k ? ", " : "") + p.values.text(s.entries[k]);
      if (s.entries.size() > kValuesShown) values += fmt::format(" and {} more", s.entries.size() - kValuesShown);
      auto describe = [&](std::int32_t i) {
        return model.describe(p.classes[static_cast<std::size_t>(p.ops[static_cast<std::size_t>(i)].cls)], p.values);
      };
      const std::string blocked = out.blocked >= 0 ? "`" + describe(out.blocked) + "` cannot be" : "no order is left";
      if (s.begin == 0)
        out.explanation = fmt::format(
            "the first {} operations, up to a point where none is open, cannot be linearized from the initial "
            "state {} (after {} of them, {})",
            s.end, values, out.prefix_length, blocked);
      else
        out.explanation = fmt::format(
            "the {} operations before `{}` all completed before it began, so they leave the state at {}{}; "
            "from none of {} can the {} operations from there on{} be linearized (from {}, after {} of them, {})",
            s.begin, describe(static_cast<std::int32_t>(s.begin)), s.entries.size() == 1 ? "" : "one of ",
            values, s.entries.size() == 1 ? "it" : "them", s.end - s.begin,
            s.end == p.ops.size() ? "" : " to the next such point", p.values.text(worst_entry),
            out.prefix_length, blocked);
      return out;
    }
    if (spent > pass_cap) break;
  }
  return std::nullopt;
}

}  // namespace fl
