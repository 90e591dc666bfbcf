#include "checkers/linear/refute.h"

#include <algorithm>
#include <unordered_map>

namespace fl {
namespace {

constexpr std::int32_t kInitial = -2;  // the initial state as the writer of its value

SearchResult refuted(std::vector<std::int32_t> witnesses, std::int32_t blocked, std::string why) {
  SearchResult r;
  r.valid = Validity::Invalid;
  r.method = "unique-writes refutation";
  for (std::int32_t w : witnesses)
    if (w >= 0) r.prefix_tail.push_back(w);
  r.prefix_length = static_cast<std::int64_t>(r.prefix_tail.size());
  r.blocked = blocked;
  r.explanation = std::move(why);
  return r;
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

}  // namespace fl
