#include "checkers/linear/unique_set.h"

#include <algorithm>

#include "checkers/models/collection_ops.h"

// Why it decides. With unique adds the state after a prefix of a
// linearization is init plus the values added in it, and it only grows. A
// read returns that state, so in any linearization the reads come in the
// order of their sets, which must form a chain S_0 ⊂ S_1 ⊂ … (reads of equal
// sets together, nothing added between them), and the add of v lies after
// every read whose set lacks v and before every read whose set holds v; an
// ok add of a value no read saw lies after every read (an info one may be
// left out, which changes no read). So a linearization, if there is one, is
// A_0 R_0 A_1 R_1 … R_{g-1} A_g with A_k the adds of S_k \ S_{k-1} and R_k
// the reads of S_k, in any order within a segment. Such an order respects
// real time iff no op of a later segment completed before an op of an
// earlier one began (within a segment, invocation order always does). Each
// check below is that condition or a failed premise, so the answer is exact.
// Unknown reads change nothing and were dropped when the partition was built.

namespace fl {
namespace {

constexpr const char* kSetMethod = "unique-value set check";

class SetDecision {
 public:
  SetDecision(const Partition& p, const Model& model) : p_(p), model_(model) {}

  std::optional<SearchResult> run() {
    std::vector<std::int32_t> adds, reads;
    std::vector<std::int32_t> adder;  // by value id: the add op, or -2 for init
    auto adder_of = [&](std::int64_t v) -> std::int32_t& {
      if (static_cast<std::size_t>(v) >= adder.size()) adder.resize(static_cast<std::size_t>(v) + 1, -1);
      return adder[static_cast<std::size_t>(v)];
    };
    for (std::int64_t v : p_.init) {
      if (v < 0) return std::nullopt;
      adder_of(v) = kInitSet;
    }
    for (std::int32_t i = 0; i < static_cast<std::int32_t>(p_.ops.size()); ++i) {
      const ModelOp& m = cls(i);
      if (m.f == set_ops::kAdd) {
        if (m.a < 0) return std::nullopt;
        std::int32_t& a = adder_of(m.a);
        if (a != -1) return std::nullopt;  // added twice, or added and initial
        a = i;
        adds.push_back(i);
      } else if (m.f == set_ops::kRead && op(i).ok()) {
        reads.push_back(i);
      } else {
        return std::nullopt;
      }
    }
    for (std::int32_t r : reads) {
      const std::vector<std::int64_t>& xs = cls(r).xs;
      for (std::int64_t v : xs)
        if (static_cast<std::size_t>(v) >= adder.size() || adder[static_cast<std::size_t>(v)] == -1)
          return invalid({}, r, "`" + describe(r) + "` saw " + p_.values.text(v) + ", which nobody added");
      for (std::int64_t v : p_.init)
        if (!std::binary_search(xs.begin(), xs.end(), v))
          return invalid({}, r, "`" + describe(r) + "` lacks " + p_.values.text(v) + ", which the set held from the start");
    }
    // The chain of read sets, smallest first; group[k]: the reads of the k-th set.
    std::stable_sort(reads.begin(), reads.end(), [&](std::int32_t a, std::int32_t b) {
      return cls(a).xs.size() < cls(b).xs.size();
    });
    std::vector<std::vector<std::int32_t>> group;
    for (std::int32_t r : reads) {
      if (!group.empty()) {
        const std::vector<std::int64_t>& prev = cls(group.back().front()).xs;
        const std::vector<std::int64_t>& xs = cls(r).xs;
        if (prev == xs) {
          group.back().push_back(r);
          continue;
        }
        if (!std::includes(xs.begin(), xs.end(), prev.begin(), prev.end()))
          return invalid({group.back().front()}, r,
                         "`" + describe(group.back().front()) + "` and `" + describe(r) +
                             "` saw sets neither of which holds the other, but the set only grows");
      }
      group.push_back({r});
    }
    // Segments A_0 R_0 A_1 R_1 … A_g as 2k (adds of level k) and 2k+1 (reads of S_k).
    const std::size_t g = group.size();
    std::vector<std::vector<std::int32_t>> segment(2 * g + 1);
    std::vector<std::size_t> level(adder.size(), g);
    for (std::size_t k = g; k-- > 0;)
      for (std::int64_t v : cls(group[k].front()).xs) level[static_cast<std::size_t>(v)] = k;
    for (std::int32_t a : adds) {
      const std::size_t k = level[static_cast<std::size_t>(cls(a).a)];
      if (k == g && !op(a).ok()) continue;  // an info add nobody saw: left out
      segment[2 * k].push_back(a);
    }
    for (std::size_t k = 0; k < g; ++k) segment[2 * k + 1] = group[k];
    std::int32_t latest = -1;  // the op of the earlier segments invoked last
    for (std::size_t s = 0; s < segment.size(); ++s) {
      for (std::int32_t y : segment[s])
        if (latest >= 0 && op(y).ret < op(latest).call) return clash(latest, y, level, group);
      for (std::int32_t y : segment[s])
        if (latest < 0 || op(y).call > op(latest).call) latest = y;
    }
    SearchResult r;
    r.valid = Validity::Valid;
    r.method = kSetMethod;
    r.prefix_length = static_cast<std::int64_t>(p_.ops.size());
    return r;
  }

 private:
  static constexpr std::int32_t kInitSet = -2;
  const ModelOp& cls(std::int32_t i) const { return p_.classes[static_cast<std::size_t>(op(i).cls)]; }
  const SearchOp& op(std::int32_t i) const { return p_.ops[static_cast<std::size_t>(i)]; }
  std::string describe(std::int32_t i) const { return model_.describe(cls(i), p_.values); }

  // y, of a later segment, completed before x, of an earlier one, began.
  SearchResult clash(std::int32_t x, std::int32_t y, const std::vector<std::size_t>& level,
                     const std::vector<std::vector<std::int32_t>>& group) const {
    const bool x_add = cls(x).f == set_ops::kAdd, y_add = cls(y).f == set_ops::kAdd;
    const std::string before = "`" + describe(y) + "` completed before `" + describe(x) + "` began";
    if (!x_add && y_add)
      return invalid({y}, x, before + ", yet the read lacks " + p_.values.text(cls(y).a));
    if (x_add && !y_add)
      return invalid({x}, y, before + ", yet the read holds " + p_.values.text(cls(x).a));
    if (!x_add && !y_add)
      return invalid({y}, x, before + ", yet the later read saw fewer values");
    const std::int32_t r = group[level[static_cast<std::size_t>(cls(x).a)]].front();
    return invalid({y, x}, r, before + ", yet `" + describe(r) + "` holds " + p_.values.text(cls(x).a) +
                                   " and lacks " + p_.values.text(cls(y).a));
  }

  SearchResult invalid(std::vector<std::int32_t> witnesses, std::int32_t blocked, std::string why) const {
    return witnessed_invalid(kSetMethod, witnesses, blocked, std::move(why));
  }

  const Partition& p_;
  const Model& model_;
};

}  // namespace

std::optional<SearchResult> decide_unique_set(const Partition& p, const Model& model) {
  if (model.name() != "set") return std::nullopt;
  return SetDecision(p, model).run();
}

}  // namespace fl
