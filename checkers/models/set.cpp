// The set model: `add v` inserts, `read` returns the whole set ([v…], order
// and duplicates ignored). State: the sorted value ids. --init is a list of
// values (default empty).
#include <algorithm>
#include <memory>

#include "checkers/models/collection_ops.h"
#include "checkers/models/model.h"

namespace fl {
namespace {

State sorted_ids(const Json& list, ValueTable& values, const char* what) {
  if (!list.is_array()) throw OpMismatch(std::string(what) + " must be a list, not " + list.dump());
  State s;
  for (const Json& v : list) s.push_back(values.id(v));
  std::sort(s.begin(), s.end());
  s.erase(std::unique(s.begin(), s.end()), s.end());
  return s;
}

class SetModel : public Model {
 public:
  std::string name() const override { return "set"; }
  std::string description() const override { return "a set with add v and read of the whole set (default empty)"; }
  State initial(const std::optional<Json>& init, ValueTable& values) const override {
    if (!init || init->is_null()) return {};
    return sorted_ids(*init, values, "a set's initial value");
  }
  ModelOp encode(const Op& inv, const Op* done, bool ok, const State&,
                 ValueTable& values) const override {
    ModelOp m;
    if (inv.f == "add") {
      m.f = set_ops::kAdd;
      m.a = values.id(inv.value);
    } else if (inv.f == "read") {
      m.f = set_ops::kRead;
      if (ok) m.xs = sorted_ids(op_result(inv, done), values, "a set read's result");
    } else {
      throw OpMismatch("the set model has no operation \"" + inv.f + "\" (it knows add, read)");
    }
    return m;
  }
  bool step(const State& s, const ModelOp& op, State& next, ValueTable&) const override {
    if (op.f == set_ops::kRead) {
      next = s;
#if defined(FL_MUTANT_SET_READ_SUBSET)  // planted: a read may miss elements
      return std::includes(s.begin(), s.end(), op.xs.begin(), op.xs.end());
#endif
      return s == op.xs;
    }
    next = s;
    auto it = std::lower_bound(next.begin(), next.end(), op.a);
    if (it == next.end() || *it != op.a) next.insert(it, op.a);
    return true;
  }
  bool read_only(const ModelOp& op) const override { return op.f == set_ops::kRead; }
  std::string describe(const ModelOp& op, const ValueTable& v) const override {
    if (op.f == set_ops::kAdd) return "add " + v.text(op.a);
    std::string out = "read {";
    for (std::size_t i = 0; i < op.xs.size(); ++i) out += (i ? " " : "") + v.text(op.xs[i]);
    return out + "}";
  }
};

}  // namespace

std::unique_ptr<Model> make_set_model() { return std::make_unique<SetModel>(); }

}  // namespace fl
