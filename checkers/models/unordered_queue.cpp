// The unordered-queue model: `enqueue v` adds, `dequeue` removes any one
// pending v, or returns null when the queue is empty. A dequeue whose result
// is unknown (info, or never completed) may have taken any element that was
// pending at that moment — not only "nothing", as Knossos reads it, which can
// call a linearizable history invalid. Which one it took is decided lazily:
//
// State: layers L0 | L1 | … | Lk of pending values (each sorted), where the
// j-th separator stands for an unknown dequeue U_j that took one element of
// L0 … L(j-1) (the elements enqueued before it). Some choice of distinct
// elements for U_1 … U_k exists iff |L0 … L(j-1)| >= j for every j (Hall's
// condition, the sets being nested). When it holds with equality, U_1 … U_j
// took exactly L0 … L(j-1): those layers and separators are dropped, so in a
// canonical state every such prefix is strictly larger than j, and the queue
// holds (all values) - k elements: it is empty iff the state is.
// An ok `dequeue v` takes v from the latest layer that has it (an older copy
// could still pay for more unknown dequeues, so keeping it loses nothing);
// it is illegal when no copy is left or when Hall's condition then fails.
#include <algorithm>
#include <memory>

#include "checkers/models/model.h"

namespace fl {
namespace {

enum QueueF : std::int32_t { kEnqueue = 0, kDequeue = 1, kDequeueUnknown = 2 };
constexpr std::int64_t kSeparator = -1;  // value ids are >= 0

// Drops every prefix of layers that the unknown dequeues before it used up;
// false when some prefix is smaller than the dequeues that had to take from it.
bool normalize(State& s) {
  std::int64_t elements = 0, separators = 0;
  std::size_t cut = 0;  // everything before cut is used up
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != kSeparator) {
      ++elements;
      continue;
    }
    ++separators;
    if (elements < separators) return false;
    if (elements == separators) cut = i + 1;
  }
  if (cut > 0) {
    s.erase(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(cut));
  }
  return true;
}

class UnorderedQueueModel : public Model {
 public:
  std::string name() const override { return "unordered-queue"; }
  std::string description() const override { return "a queue that may dequeue in any order; dequeue -> v or null (default empty)"; }
  State initial(const std::optional<Json>& init, ValueTable& values) const override {
    State s;
    if (!init || init->is_null()) return s;
    if (!init->is_array()) throw OpMismatch("a queue starts from a list of values, not " + init->dump());
    for (const Json& v : *init) s.push_back(values.id(v));
    std::sort(s.begin(), s.end());
    return s;
  }
  ModelOp encode(const Op& inv, const Op* done, bool ok, const State&,
                 ValueTable& values) const override {
    ModelOp m;
    if (inv.f == "enqueue") {
      m.f = kEnqueue;
      m.a = values.id(inv.value);
    } else if (inv.f == "dequeue") {
      m.f = ok ? kDequeue : kDequeueUnknown;
#if defined(FL_MUTANT_UNORDERED_UNKNOWN_DEQUEUE_NULL)  // planted: Knossos's reading, a dequeue of null
      m.f = kDequeue;
#endif
      m.a = ok ? values.id(op_result(inv, done)) : ValueTable::kNull;
    } else {
      throw OpMismatch("the unordered-queue model has no operation \"" + inv.f +
                       "\" (it knows enqueue, dequeue)");
    }
    return m;
  }
  bool step(const State& s, const ModelOp& op, State& next, ValueTable&) const override {
    next = s;
    if (op.f == kEnqueue) {  // into the last layer
      auto from = std::find(next.rbegin(), next.rend(), kSeparator).base();
      next.insert(std::upper_bound(from, next.end(), op.a), op.a);
      return true;
    }
    if (op.f == kDequeueUnknown) {  // took something, if anything was there
      if (s.empty()) return true;
      next.push_back(kSeparator);
      return normalize(next);
    }
    if (op.a == ValueTable::kNull) return s.empty();
    // The latest layer holding v: search back from the end.
    for (std::size_t end = next.size(); end > 0;) {
      std::size_t begin = end;
      while (begin > 0 && next[begin - 1] != kSeparator) --begin;
      auto first = next.begin() + static_cast<std::ptrdiff_t>(begin);
      auto last = next.begin() + static_cast<std::ptrdiff_t>(end);
      auto it = std::lower_bound(first, last, op.a);
      if (it != last && *it == op.a) {
        next.erase(it);
        return normalize(next);
      }
      if (begin == 0) break;
      end = begin - 1;
    }
    return false;
  }
  bool read_only(const ModelOp& op) const override { return op.f == kDequeue && op.a == ValueTable::kNull; }
  std::string describe(const ModelOp& op, const ValueTable& v) const override {
    if (op.f == kDequeueUnknown) return "dequeue ?";
    return (op.f == kEnqueue ? "enqueue " : "dequeue ") + v.text(op.a);
  }
};

}  // namespace

std::unique_ptr<Model> make_unordered_queue_model() { return std::make_unique<UnorderedQueueModel>(); }

}  // namespace fl
