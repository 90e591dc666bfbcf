// The fifo-queue model: `enqueue v` appends, `dequeue` returns the head, or
// null when the queue is empty. A dequeue whose result is unknown (info, or
// never completed) may have taken whatever was at the head: unlike Knossos,
// which reads it as a dequeue of null and so can call a linearizable history
// invalid. FIFO makes that step deterministic. State: the values, head first.
#include <memory>

#include "checkers/models/collection_ops.h"
#include "checkers/models/model.h"

namespace fl {
namespace {

class FifoQueueModel : public Model {
 public:
  std::string name() const override { return "fifo-queue"; }
  std::string description() const override { return "a FIFO queue with enqueue v and dequeue -> v or null (default empty)"; }
  State initial(const std::optional<Json>& init, ValueTable& values) const override {
    State s;
    if (!init || init->is_null()) return s;
    if (!init->is_array()) throw OpMismatch("a queue starts from a list of values, not " + init->dump());
    for (const Json& v : *init) s.push_back(values.id(v));
    return s;
  }
  ModelOp encode(const Op& inv, const Op* done, bool ok, const State&,
                 ValueTable& values) const override {
    ModelOp m;
    if (inv.f == "enqueue") {
      m.f = fifo_ops::kEnqueue;
      m.a = values.id(inv.value);
    } else if (inv.f == "dequeue") {
      m.f = ok ? fifo_ops::kDequeue : fifo_ops::kDequeueUnknown;
#if defined(FL_MUTANT_FIFO_UNKNOWN_DEQUEUE_NULL)  // planted: Knossos's reading, a dequeue of null
      m.f = fifo_ops::kDequeue;
#endif
      m.a = ok ? values.id(op_result(inv, done)) : ValueTable::kNull;
    } else {
      throw OpMismatch("the fifo-queue model has no operation \"" + inv.f + "\" (it knows enqueue, dequeue)");
    }
    return m;
  }
  bool step(const State& s, const ModelOp& op, State& next, ValueTable&) const override {
    if (op.f == fifo_ops::kEnqueue) {
      next = s;
      next.push_back(op.a);
      return true;
    }
    if (op.f == fifo_ops::kDequeueUnknown) {  // took the head, if there was one
      if (s.empty()) next = s;
      else next.assign(s.begin() + 1, s.end());
      return true;
    }
    if (op.a == ValueTable::kNull) {
      next = s;
      return s.empty();
    }
    if (s.empty() || s.front() != op.a) return false;
    next.assign(s.begin() + 1, s.end());
    return true;
  }
  bool read_only(const ModelOp& op) const override { return op.f == fifo_ops::kDequeue && op.a == ValueTable::kNull; }
  std::string describe(const ModelOp& op, const ValueTable& v) const override {
    if (op.f == fifo_ops::kDequeueUnknown) return "dequeue ?";
    return (op.f == fifo_ops::kEnqueue ? "enqueue " : "dequeue ") + v.text(op.a);
  }
};

}  // namespace

std::unique_ptr<Model> make_fifo_queue_model() { return std::make_unique<FifoQueueModel>(); }

}  // namespace fl
