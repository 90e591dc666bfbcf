#include "checkers/linear/refute.h"

#include <algorithm>
#include <unordered_map>

namespace fl {
namespace {

constexpr std::int32_t kInitial = -2;  // the initial state as the writer of its value
constexpr const char* kWindow = "stale-window refutation";

SearchResult refuted(std::vector<std::int32_t> witnesses, std::int32_t blocked, std::string why,
                     const char* method = "unique-writes refutation") {
  return witnessed_invalid(method, witnesses, blocked, std::move(why));
}

}  // namespace

std::optional<SearchResult> refute_unique_writes(const Partition& p, const Model& model) {
  if (!p.register_like || !model.single_word() || p.init.size() != 1) return std::nullopt;
  const auto n = static_cast<std::int32_t>(p.ops.size());
  std::unordered_map<std::int64_t, std::int32_t> writer{{p.init[0], kInitial}};
  std::unordered_map<std::int64_t, std::int32_t> consumer;  // ok op that observes v and changes it
  std::vector<std::int32_t> ok_writers;
  for (std::int32_t i = 0; i < n; ++i) {
    const SearchOp& op = p.ops[static_cast<std::size_t>(i)];
    if (op.produces >= 0 && !writer.emplace(op.produces, i).second) return std::nullopt;
    if (op.produces >= 0 && op.ok()) ok_writers.push_back(i);
  }
  auto describe = [&](std::int32_t i) {
    return model.describe(p.classes[static_cast<std::size_t>(p.ops[static_cast<std::size_t>(i)].cls)], p.values);
  };
  for (std::int32_t i = 0; i < n; ++i) {
    const SearchOp& op = p.ops[static_cast<std::size_t>(i)];
    if (!op.ok() || op.observes < 0 || op.produces < 0) continue;
    auto [it, fresh] = consumer.emplace(op.observes, i);
    if (!fresh) {
      const std::int32_t w = writer.count(op.observes) ? writer[op.observes] : kInitial;
      return refuted({w, it->second}, i,
                     "both `" + describe(it->second) + "` and `" + describe(i) +
                         "` took value " + p.values.text(op.observes) +
                         ", which only one operation ever produced");
    }
  }
  // ok writers by call, with the earliest return among those called later.
  std::vector<std::pair<std::int64_t, std::int32_t>> suffix_min(ok_writers.size() + 1,
                                                                {kNever, -1});
  for (std::size_t k = ok_writers.size(); k-- > 0;) {
    const SearchOp& w = p.ops[static_cast<std::size_t>(ok_writers[k])];
    suffix_min[k] = std::min(suffix_min[k + 1], {w.ret, ok_writers[k]});
  }
  for (std::int32_t i = 0; i < n; ++i) {
    const SearchOp& r = p.ops[static_cast<std::size_t>(i)];
    if (!r.ok() || r.observes < 0) continue;
    const std::int64_t v = r.observes;
    auto wit = writer.find(v);
    if (wit == writer.end())
      return refuted({}, i, "`" + describe(i) + "` observed " + p.values.text(v) +
                                ", which no operation ever wrote");
    const std::int32_t w = wit->second;
    const std::int64_t w_call = w == kInitial ? -1 : p.ops[static_cast<std::size_t>(w)].call;
    const std::int64_t w_ret = w == kInitial ? -1 : p.ops[static_cast<std::size_t>(w)].ret;
    if (w_call > r.ret)
      return refuted({}, i, "`" + describe(i) + "` observed " + p.values.text(v) +
                                " before `" + describe(w) + "` was even invoked");
    if (w_ret != kNever) {
      // The first ok writer invoked after v's write returned.
      auto from = std::upper_bound(ok_writers.begin(), ok_writers.end(), w_ret,
                                   [&](std::int64_t t, std::int32_t k) {
                                     return t < p.ops[static_cast<std::size_t>(k)].call;
                                   });
      const auto& later = suffix_min[static_cast<std::size_t>(from - ok_writers.begin())];
      if (later.second >= 0 && later.first < r.call)
        return refuted({w, later.second}, i,
                       "`" + describe(i) + "` observed " + p.values.text(v) + ", but `" +
                           describe(later.second) + "` overwrote it before the read began");
    }
    auto cit = consumer.find(v);
    if (cit != consumer.end() && cit->second != i &&
        p.ops[static_cast<std::size_t>(cit->second)].ret < r.call)
      return refuted({w, cit->second}, i,
                     "`" + describe(i) + "` observed " + p.values.text(v) + ", but `" +
                         describe(cit->second) + "` had already replaced it");
  }
  return std::nullopt;
}

// Proof. Take a linearization and an ok op o needing v, with W the ok ops
// producing a value (writes, ok cas) that returned before o was invoked, and
// w the one of W invoked last. Real time puts all of W before o. Let q be the
// last op before o that produces a value; in a register-shaped model the
// state before o is what q produced (or the initial state if there is none),
// so q produces v. If W is not empty, q exists and is w or after w, so q did
// not return before w was invoked; and q is before o, so q was invoked before
// o returned. Hence some op producing v, other than o, overlaps (w.call,
// o.ret); if none does, there is no linearization. If W is empty, either v is
// the initial state or q exists and was invoked before o returned.
std::optional<SearchResult> refute_stale_windows(const Partition& p, const Model& model) {
  if (!p.register_like || !model.single_word() || p.init.size() != 1) return std::nullopt;
  const auto n = static_cast<std::int32_t>(p.ops.size());
  // Producers by (value, invocation), with the running maximum of their
  // returns within each value: one flat array, searched by binary search.
  struct Producer {
    std::int64_t value, call, max_ret;
  };
  std::vector<Producer> producers;
  for (std::int32_t i = 0; i < n; ++i) {
    const SearchOp& op = p.ops[static_cast<std::size_t>(i)];
    if (op.produces >= 0) producers.push_back(Producer{op.produces, op.call, op.ret});
  }
  std::sort(producers.begin(), producers.end(), [](const Producer& a, const Producer& b) {
    return a.value != b.value ? a.value < b.value : a.call < b.call;
  });
  for (std::size_t k = 1; k < producers.size(); ++k)
    if (producers[k].value == producers[k - 1].value)
      producers[k].max_ret = std::max(producers[k].max_ret, producers[k - 1].max_ret);
  // Ok producers by return, with the latest invocation among them so far.
  std::vector<std::pair<std::int64_t, std::int32_t>> setters;  // (ret, op invoked last among those up to here)
  for (std::int32_t i = 0; i < n; ++i) {
    const SearchOp& op = p.ops[static_cast<std::size_t>(i)];
    if (op.produces >= 0 && op.ok()) setters.emplace_back(op.ret, i);
  }
  std::sort(setters.begin(), setters.end());
  for (std::size_t k = 1; k < setters.size(); ++k)
    if (p.ops[static_cast<std::size_t>(setters[k - 1].second)].call > p.ops[static_cast<std::size_t>(setters[k].second)].call)
      setters[k].second = setters[k - 1].second;
  auto describe = [&](std::int32_t i) {
    return model.describe(p.classes[static_cast<std::size_t>(p.ops[static_cast<std::size_t>(i)].cls)], p.values);
  };
  for (std::int32_t i = 0; i < n; ++i) {
    const SearchOp& o = p.ops[static_cast<std::size_t>(i)];
    if (!o.ok() || o.observes < 0) continue;
    const std::int64_t v = o.observes;
    const bool self_produces = o.produces == v;
    // Producers of v invoked before t, as a position in `producers` (from `first` on).
    const auto first = static_cast<std::size_t>(
        std::lower_bound(producers.begin(), producers.end(), v,
                         [](const Producer& x, std::int64_t u) { return x.value < u; }) -
        producers.begin());
    auto invoked_before = [&](std::int64_t t) {
      return static_cast<std::size_t>(
          std::lower_bound(producers.begin() + static_cast<std::ptrdiff_t>(first), producers.end(), std::make_pair(v, t),
                           [](const Producer& x, const std::pair<std::int64_t, std::int64_t>& u) {
                             return x.value < u.first || (x.value == u.first && x.call < u.second);
                           }) -
          producers.begin());
    };
    auto w_it = std::lower_bound(setters.begin(), setters.end(), std::make_pair(o.call, INT32_MIN));
    if (w_it == setters.begin()) {
      // Nothing surely before o: the initial state, or any producer invoked before o ended.
      const std::size_t k = invoked_before(o.ret) - first;
      if (v == p.init[0] || k > (self_produces ? 1u : 0u)) continue;
      return refuted({}, i,
                     "`" + describe(i) + "` observed " + p.values.text(v) +
                         ", which no operation could have written before it ended",
                     kWindow);
    }
    const std::int32_t w = std::prev(w_it)->second;
    const std::int64_t w_call = p.ops[static_cast<std::size_t>(w)].call;
    const std::size_t a = invoked_before(w_call), b = invoked_before(o.ret);
    if (a > first && producers[a - 1].max_ret > w_call) continue;  // invoked before w, still running when w began
    if (b - a > (self_produces ? 1u : 0u)) continue;      // invoked between w's invocation and o's end
    return refuted({w}, i, "`" + describe(i) + "` observed " + p.values.text(v) + ", but `" + describe(w) +
                               "` had completed before it began, and no operation that writes " +
                               p.values.text(v) + " could have come in between",
                   kWindow);
  }
  return std::nullopt;
}

}  // namespace fl
