// The unordered-queue model: `enqueue v` adds, `dequeue` removes any one
// pending v, or returns null when the queue is empty. A dequeue whose result
// is unknown is read as Knossos does — as a dequeue of null. KNOWN LIMIT: it
// may really have taken an element, which a later `dequeue -> null` would
// need; that choice is nondeterministic, which step() cannot express yet, so
// such a history can be called invalid wrongly (fifo-queue does not have this
// problem). State: the multiset of pending values, sorted.
#include <algorithm>
#include <memory>

#include "checkers/models/model.h"

namespace fl {
namespace {

enum QueueF : std::int32_t { kEnqueue = 0, kDequeue = 1 };

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
      m.f = kDequeue;
      m.a = ok ? values.id(op_result(inv, done)) : ValueTable::kNull;
    } else {
      throw OpMismatch("the unordered-queue model has no operation \"" + inv.f +
                       "\" (it knows enqueue, dequeue)");
    }
    return m;
  }
  bool step(const State& s, const ModelOp& op, State& next, ValueTable&) const override {
    next = s;
    if (op.f == kEnqueue) {
      next.insert(std::upper_bound(next.begin(), next.end(), op.a), op.a);
      return true;
    }
    if (op.a == ValueTable::kNull) return s.empty();
    auto it = std::lower_bound(next.begin(), next.end(), op.a);
    if (it == next.end() || *it != op.a) return false;
    next.erase(it);
    return true;
  }
  bool read_only(const ModelOp& op) const override { return op.f == kDequeue && op.a == ValueTable::kNull; }
  std::string describe(const ModelOp& op, const ValueTable& v) const override {
    return (op.f == kEnqueue ? "enqueue " : "dequeue ") + v.text(op.a);
  }
};

}  // namespace

std::unique_ptr<Model> make_unordered_queue_model() { return std::make_unique<UnorderedQueueModel>(); }

}  // namespace fl
