#include "checkers/linear/unique_queue.h"

#include <algorithm>
#include <deque>
#include <functional>
#include <queue>
#include <set>
#include <tuple>

#include "checkers/models/collection_ops.h"

// Why it decides. Values are unique, so each value v has at most one
// enqueue E(v) (an op, or its place in --init, read as enqueues in order
// before the history) and, once repeated ok dequeues are refuted, at most one
// ok dequeue D(v).
//
// Reduction. Unknown dequeues (info or never completed) are dropped, and so
// are info enqueues of values no ok dequeue returned. Ops of unknown outcome
// may be left out of a linearization, so a linearization of the reduced
// history is one of the history: Valid is always sound. The converse holds
// when every value that surely entered the queue (from --init or an ok
// enqueue) has an ok dequeue: given a linearization of the history, an
// unknown dequeue in it either met an empty queue (drop it: no state
// changes) or took a value v no ok dequeue returned, so v came from an info
// enqueue: drop both, and every other op still sees the same head or the
// same emptiness. An info enqueue whose value nobody removes stays in the
// queue to the end: dropping it changes no head, and no empty dequeue came
// after it. Only then are the patterns below used to answer Invalid. In the
// reduced history an info enqueue is an enqueue that may take effect any
// time after its invocation.
//
// Patterns (after Henzinger, Sezgin & Vafeiadis, "Aspect-oriented
// linearizability proofs"): each is a violation in any linearization —
//   fresh:    D(v) returned v but nothing enqueued v, or D(v) completed
//             before E(v) began;
//   repeated: two ok dequeues returned v;
//   order:    E(a) completed before E(b) began (so a is ahead of b), b was
//             dequeued, and a never was, or D(b) completed before D(a) began;
//   empty:    a dequeue that saw an empty queue while, at every instant of it,
//             some value v was surely inside: E(v) had completed and D(v)
//             (if any) had not begun.
// Without any, a linearization is built (linearize()): a FIFO queue is
// simulated through the events in history order, each op taking effect
// between its invocation and its completion, so success proves Valid. (Their
// theorem: a complete unique-value history without empty dequeues is
// linearizable iff it has none of the first three patterns. The construction
// is not proved to find an order whenever one exists, with or without empty
// dequeues, so when it fails the search decides: no verdict rests on it.)
// The seeded cross-check in tests/checkers/ compares both ways on random
// histories and shows how often the search is still needed.
//
// Cost: O(n log n) — sorts, prefix maxima and binary searches for the
// patterns, a priority queue for the value order and one pass over the events.

namespace fl {
namespace {

constexpr const char* kQueueMethod = "unique-value queue check";
constexpr std::int32_t kNoOp = -1, kFromInit = -2;
constexpr std::int64_t kUnsetTime = INT64_MIN;

struct QueueValue {
  std::int32_t enq = kNoOp;  // op index, kFromInit (from --init) or kNoOp
  std::int64_t enq_call = kUnsetTime, enq_ret = kUnsetTime;
  std::int32_t deq = kNoOp;  // the ok dequeue that returned it
  std::int64_t deq_call = kNever, deq_ret = kNever;
  bool sure = false;  // surely entered: --init or an ok enqueue
};

class QueueDecision {
 public:
  QueueDecision(const Partition& p, const Model& model) : p_(p), model_(model) {}

  std::optional<SearchResult> run() {
    if (!collect()) return std::nullopt;
    if (repeated_ >= 0) {
      const std::int32_t first = values_[static_cast<std::size_t>(p_.classes[cls(repeated_)].a)].deq;
      const QueueValue& v = value_of(repeated_);
      return invalid({v.enq, first}, repeated_,
                     "both `" + describe(first) + "` and `" + describe(repeated_) + "` returned " +
                         text(repeated_) + ", but each value is enqueued at most once");
    }
    for (std::int32_t d : dequeues_) {
      const QueueValue& v = value_of(d);
      if (v.enq == kNoOp)
        return invalid({}, d, "`" + describe(d) + "` returned " + text(d) + ", which no operation enqueued");
      if (v.deq_ret < v.enq_call)
        return invalid({}, d, "`" + describe(d) + "` completed before `" + describe(v.enq) + "` began");
    }
    // An unknown dequeue may have taken a value no ok dequeue returned: then
    // the reduction may lose linearizations, so a pattern proves nothing —
    // but an order found for what is left still proves Valid.
    bool refutable = true;
    if (!unknown_dequeues_.empty())
      for (const QueueValue& v : values_) refutable = refutable && !(v.sure && v.deq == kNoOp);
    by_ret_ = present_by_enqueue_return();
    if (refutable) {
      if (auto r = order()) return r;
      if (auto r = empty()) return r;
    }
    if (!linearize()) return std::nullopt;  // no order found: the search decides
    SearchResult r;
    r.valid = Validity::Valid;
    r.method = kQueueMethod;
    r.prefix_length = static_cast<std::int64_t>(p_.ops.size());
    return r;
  }

 private:
  std::size_t cls(std::int32_t i) const { return static_cast<std::size_t>(p_.ops[static_cast<std::size_t>(i)].cls); }
  const SearchOp& op(std::int32_t i) const { return p_.ops[static_cast<std::size_t>(i)]; }
  const QueueValue& value_of(std::int32_t i) const { return values_[static_cast<std::size_t>(p_.classes[cls(i)].a)]; }
  std::string describe(std::int32_t i) const {
    return i == kFromInit ? "the initial queue" : model_.describe(p_.classes[cls(i)], p_.values);
  }
  std::string text(std::int32_t i) const { return p_.values.text(p_.classes[cls(i)].a); }
  std::string text_value(std::int64_t v) const { return p_.values.text(v); }

  QueueValue& slot(std::int64_t v) {
    if (static_cast<std::size_t>(v) >= values_.size()) values_.resize(static_cast<std::size_t>(v) + 1);
    return values_[static_cast<std::size_t>(v)];
  }

  // Reads the ops; false when the values are not unique or an op is not one
  // this check knows.
  bool collect() {
    const auto k_init = static_cast<std::int64_t>(p_.init.size());
    for (std::int64_t k = 0; k < k_init; ++k) {
      const std::int64_t v = p_.init[static_cast<std::size_t>(k)];
      if (v < 0 || v == ValueTable::kNull) return false;
      QueueValue& s = slot(v);
      if (s.enq != kNoOp) return false;
      s.enq = kFromInit;
      s.enq_call = 2 * (k - k_init) - 1;  // one after the other, before the history
      s.enq_ret = 2 * (k - k_init);
      s.sure = true;
    }
    for (std::int32_t i = 0; i < static_cast<std::int32_t>(p_.ops.size()); ++i) {
      const SearchOp& o = op(i);
      const ModelOp& m = p_.classes[static_cast<std::size_t>(o.cls)];
      if (m.f == fifo_ops::kEnqueue) {
        if (m.a < 0 || m.a == ValueTable::kNull) return false;
        QueueValue& s = slot(m.a);
        if (s.enq != kNoOp) return false;
        s.enq = i;
        s.enq_call = o.call;
        s.enq_ret = o.ret;
        s.sure = o.ok();
      } else if (m.f == fifo_ops::kDequeue && o.ok() && m.a == ValueTable::kNull) {
        empties_.push_back(i);
      } else if (m.f == fifo_ops::kDequeue && o.ok() && m.a > 0) {
        QueueValue& s = slot(m.a);
        if (s.deq != kNoOp) {
          if (repeated_ < 0) repeated_ = i;
          continue;
        }
        s.deq = i;
        s.deq_call = o.call;
        s.deq_ret = o.ret;
        dequeues_.push_back(i);
      } else if (m.f == fifo_ops::kDequeueUnknown && !o.ok()) {
        unknown_dequeues_.push_back(i);
      } else {
        return false;
      }
    }
    return true;
  }

  // The values in the reduced history (see the top), sorted by E's return.
  std::vector<std::int64_t> present_by_enqueue_return() const {
    std::vector<std::int64_t> out;
    for (std::size_t v = 0; v < values_.size(); ++v)
      if (values_[v].enq != kNoOp && (values_[v].sure || values_[v].deq != kNoOp))
        out.push_back(static_cast<std::int64_t>(v));
    std::sort(out.begin(), out.end(), [&](std::int64_t a, std::int64_t b) {
      return values_[static_cast<std::size_t>(a)].enq_ret < values_[static_cast<std::size_t>(b)].enq_ret;
    });
    return out;
  }

  std::optional<SearchResult> order() const {
    const std::vector<std::int64_t>& by_ret = by_ret_;
    // latest[k]: of the first k+1 values by E's return, the one whose D starts latest.
    std::vector<std::int64_t> latest(by_ret.size());
    for (std::size_t k = 0; k < by_ret.size(); ++k) {
      latest[k] = by_ret[k];
      if (k > 0 && values_[static_cast<std::size_t>(latest[k - 1])].deq_call >=
                       values_[static_cast<std::size_t>(by_ret[k])].deq_call)
        latest[k] = latest[k - 1];
    }
    for (std::int32_t d : dequeues_) {
      const QueueValue& b = value_of(d);
      const auto before = std::lower_bound(by_ret.begin(), by_ret.end(), b.enq_call,
                                           [&](std::int64_t v, std::int64_t t) {
                                             return values_[static_cast<std::size_t>(v)].enq_ret < t;
                                           }) - by_ret.begin();
      if (before == 0) continue;
      const std::int64_t a = latest[static_cast<std::size_t>(before - 1)];
      const QueueValue& va = values_[static_cast<std::size_t>(a)];
      if (va.deq_call <= b.deq_ret) continue;
      const std::string first =
          va.enq != kFromInit ? "`" + describe(va.enq) + "` completed before `" + describe(b.enq) + "` began"
          : b.enq == kFromInit ? text_value(a) + " came before " + text(d) + " in the initial queue"
                               : text_value(a) + " was in the initial queue before `" + describe(b.enq) + "` began";
      if (va.deq == kNoOp)
        return invalid({va.enq, b.enq}, d,
                       first + ", so " + text_value(a) + " was ahead of " + text(d) + "; yet `" + describe(d) +
                           "` returned " + text(d) + " and no dequeue ever returned " + text_value(a));
      return invalid({va.enq, b.enq, va.deq}, d,
                     first + ", so " + text_value(a) + " was ahead of " + text(d) + "; yet `" + describe(d) +
                         "` completed before `" + describe(va.deq) + "` began");
    }
    return std::nullopt;
  }

  // Gap k is the time between history positions k and k+1; value v is surely
  // inside during gaps [E(v).ret, D(v).call).
  std::optional<SearchResult> empty() const {
    if (empties_.empty()) return std::nullopt;
    const std::vector<std::int64_t>& by_ret = by_ret_;
    struct Span {
      std::int64_t from, to;  // gaps [from, to)
    };
    std::vector<Span> covered;
    for (std::int64_t v : by_ret) {
      const QueueValue& s = values_[static_cast<std::size_t>(v)];
      if (s.enq_ret == kNever || s.deq_call <= s.enq_ret) continue;
      if (!covered.empty() && s.enq_ret <= covered.back().to) covered.back().to = std::max(covered.back().to, s.deq_call);
      else covered.push_back(Span{s.enq_ret, s.deq_call});
    }
    for (std::int32_t d : empties_) {
      const SearchOp& o = op(d);
      auto it = std::upper_bound(covered.begin(), covered.end(), o.call,
                                 [](std::int64_t t, const Span& s) { return t < s.from; });
      if (it == covered.begin()) continue;
      const Span& s = *std::prev(it);
      if (s.to < o.ret) continue;  // some gap of d is not covered: the queue may have been empty
      // Name the values that cover d, walking from its start.
      std::vector<std::int32_t> witnesses;
      std::string names;
      for (std::int64_t gap = o.call; gap < o.ret && witnesses.size() < 8;) {
        std::int64_t best = -1;
        for (std::int64_t v : by_ret) {
          const QueueValue& x = values_[static_cast<std::size_t>(v)];
          if (x.enq_ret > gap) break;
          if (x.deq_call > gap && (best < 0 || x.deq_call > values_[static_cast<std::size_t>(best)].deq_call)) best = v;
        }
        if (best < 0) break;
        const QueueValue& x = values_[static_cast<std::size_t>(best)];
        witnesses.push_back(x.enq);
        if (x.deq != kNoOp) witnesses.push_back(x.deq);
        names += (names.empty() ? "" : ", ") + text_value(best);
        gap = x.deq_call;
      }
      return invalid(witnesses, d,
                     "`" + describe(d) + "` found the queue empty, but throughout it the queue surely held " +
                         names + " (enqueued before it began, dequeued only after it ended)");
    }
    return std::nullopt;
  }

  // The order values go through the queue: a linear extension of "E(a)
  // completed before E(b) began" and "D(a) completed before D(b) began"
  // (undequeued values last), taking among the values nothing must precede
  // the one whose dequeue has the earliest deadline. Empty when there is none.
  std::vector<std::int64_t> value_order() const {
    const std::vector<std::int64_t>& present = by_ret_;
    auto at = [&](std::int64_t v) -> const QueueValue& { return values_[static_cast<std::size_t>(v)]; };
    std::vector<std::int64_t> by_enq_call = present, by_deq_call = present;
    std::sort(by_enq_call.begin(), by_enq_call.end(), [&](std::int64_t a, std::int64_t b) { return at(a).enq_call < at(b).enq_call; });
    std::sort(by_deq_call.begin(), by_deq_call.end(), [&](std::int64_t a, std::int64_t b) { return at(a).deq_call < at(b).deq_call; });
    std::multiset<std::int64_t> enq_rets, deq_rets;  // of the values not yet placed
    for (std::int64_t v : present) {
      enq_rets.insert(at(v).enq_ret);
      deq_rets.insert(at(v).deq_ret);
    }
    // A value's deadline: its dequeue must take effect before D(v) returns,
    // and before any empty dequeue that began after E(v) completed returns.
    std::vector<std::pair<std::int64_t, std::int64_t>> empty_spans;  // (call, ret), by call
    for (std::int32_t d : empties_) empty_spans.emplace_back(op(d).call, op(d).ret);
    std::sort(empty_spans.begin(), empty_spans.end());
    for (std::size_t k = empty_spans.size(); k-- > 1;)
      empty_spans[k - 1].second = std::min(empty_spans[k - 1].second, empty_spans[k].second);
    auto deadline = [&](std::int64_t v) {
      const auto it = std::upper_bound(empty_spans.begin(), empty_spans.end(), std::make_pair(at(v).enq_ret, kNever));
      return it == empty_spans.end() ? at(v).deq_ret : std::min(at(v).deq_ret, it->second);
    };
    std::vector<char> enq_ready(values_.size(), 0), deq_ready(values_.size(), 0);
    using Key = std::tuple<std::int64_t, std::int64_t, std::int64_t, std::int64_t>;  // deadline, D's and E's return, value
    std::priority_queue<Key, std::vector<Key>, std::greater<Key>> ready;
    std::size_t e = 0, d = 0;
    std::vector<std::int64_t> order;
    while (order.size() < present.size()) {
      const std::int64_t min_enq = *enq_rets.begin(), min_deq = *deq_rets.begin();
      for (; e < by_enq_call.size() && at(by_enq_call[e]).enq_call < min_enq; ++e) {
        const std::int64_t v = by_enq_call[e];
        enq_ready[static_cast<std::size_t>(v)] = 1;
        if (deq_ready[static_cast<std::size_t>(v)]) ready.emplace(deadline(v), at(v).deq_ret, at(v).enq_ret, v);
      }
      for (; d < by_deq_call.size() && (at(by_deq_call[d]).deq_call < min_deq || min_deq == kNever); ++d) {
        const std::int64_t v = by_deq_call[d];
        deq_ready[static_cast<std::size_t>(v)] = 1;
        if (enq_ready[static_cast<std::size_t>(v)]) ready.emplace(deadline(v), at(v).deq_ret, at(v).enq_ret, v);
      }
      if (ready.empty()) return {};
      const std::int64_t v = std::get<3>(ready.top());
      ready.pop();
      order.push_back(v);
      enq_rets.erase(enq_rets.find(at(v).enq_ret));
      deq_rets.erase(deq_rets.find(at(v).deq_ret));
    }
    return order;
  }

  // Builds a linearization of the reduced history event by event, in the
  // value order: an enqueue takes effect when it must (at its completion,
  // after the pending enqueues of earlier values), a dequeue as soon as its
  // value is at the head, an empty dequeue as soon as the queue is empty.
  // Every op takes effect between its invocation and its completion and
  // every step is legal for a FIFO queue, so success is a linearization:
  // the proof of Valid. False when this order gets stuck.
  bool linearize() const {
    const std::vector<std::int64_t> order = value_order();
    if (order.size() != by_ret_.size()) return false;
    std::vector<std::int64_t> rank(values_.size(), -1);
    for (std::size_t k = 0; k < order.size(); ++k) rank[static_cast<std::size_t>(order[k])] = static_cast<std::int64_t>(k);
    auto at = [&](std::int64_t v) -> const QueueValue& { return values_[static_cast<std::size_t>(v)]; };
    // Events: (position, op, is its completion); --init values are in the queue from the start.
    struct Event {
      std::int64_t pos;
      std::int32_t op;
      bool ret;
    };
    std::vector<Event> events;
    std::deque<std::int64_t> queue;
    for (std::int64_t v : p_.init) queue.push_back(v);
    std::vector<char> in_queue(values_.size(), 0), deq_invoked(values_.size(), 0);
    for (std::int64_t v : p_.init) in_queue[static_cast<std::size_t>(v)] = 1;
    for (std::int64_t v : order) {
      const QueueValue& x = at(v);
      if (x.enq >= 0) {
        events.push_back({x.enq_call, x.enq, false});
        if (x.enq_ret != kNever) events.push_back({x.enq_ret, x.enq, true});
      }
      if (x.deq >= 0) {
        events.push_back({x.deq_call, x.deq, false});
        events.push_back({x.deq_ret, x.deq, true});
      }
    }
    for (std::int32_t d : empties_) {
      events.push_back({op(d).call, d, false});
      events.push_back({op(d).ret, d, true});
    }
    std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) { return a.pos < b.pos; });
    std::priority_queue<std::int64_t, std::vector<std::int64_t>, std::greater<std::int64_t>> pending_enq;  // ranks
    std::vector<std::int32_t> pending_empty;
    std::vector<char> done_empty(p_.ops.size(), 0);
    auto settle = [&] {
      while (true) {
        if (!queue.empty() && deq_invoked[static_cast<std::size_t>(queue.front())]) {
          in_queue[static_cast<std::size_t>(queue.front())] = 2;  // dequeued
          queue.pop_front();
        } else if (queue.empty() && !pending_empty.empty()) {
          for (std::int32_t d : pending_empty) done_empty[static_cast<std::size_t>(d)] = 1;
          pending_empty.clear();
        } else {
          return;
        }
      }
    };
    auto enqueue_upto = [&](std::int64_t r) {
      while (!pending_enq.empty() && pending_enq.top() <= r) {
        const std::int64_t v = order[static_cast<std::size_t>(pending_enq.top())];
        pending_enq.pop();
        if (in_queue[static_cast<std::size_t>(v)]) continue;
        in_queue[static_cast<std::size_t>(v)] = 1;
        queue.push_back(v);
      }
      settle();
    };
    for (const Event& ev : events) {
      const ModelOp& m = p_.classes[cls(ev.op)];
      const bool empty_deq = m.f == fifo_ops::kDequeue && m.a == ValueTable::kNull;
      const std::int64_t v = empty_deq ? -1 : m.a;
      if (!ev.ret) {
        if (empty_deq) pending_empty.push_back(ev.op);
        else if (m.f == fifo_ops::kEnqueue) pending_enq.push(rank[static_cast<std::size_t>(v)]);
        else deq_invoked[static_cast<std::size_t>(v)] = 1;
        settle();
        continue;
      }
      if (empty_deq) {
        if (!done_empty[static_cast<std::size_t>(ev.op)]) return false;
      } else if (m.f == fifo_ops::kEnqueue) {
        enqueue_upto(rank[static_cast<std::size_t>(v)]);
      } else {
        if (!in_queue[static_cast<std::size_t>(v)]) enqueue_upto(rank[static_cast<std::size_t>(v)]);
        if (in_queue[static_cast<std::size_t>(v)] != 2) return false;
      }
    }
    return true;
  }

  SearchResult invalid(std::vector<std::int32_t> witnesses, std::int32_t blocked, std::string why) const {
    return witnessed_invalid(kQueueMethod, witnesses, blocked, std::move(why));
  }

  const Partition& p_;
  const Model& model_;
  std::vector<QueueValue> values_;  // by value id
  std::vector<std::int32_t> dequeues_, empties_, unknown_dequeues_;
  std::int32_t repeated_ = -1;  // an ok dequeue of a value an earlier one returned
  std::vector<std::int64_t> by_ret_;  // the values of the reduced history, by E's return
};

}  // namespace

std::optional<SearchResult> decide_unique_queue(const Partition& p, const Model& model) {
  if (model.name() != "fifo-queue") return std::nullopt;
  return QueueDecision(p, model).run();
}

}  // namespace fl
