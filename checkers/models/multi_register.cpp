// The multi-register model (Knossos's): named registers read and written by
// transactions `txn [["read",k,v],["write",k,v],…]` that take effect
// atomically. State: [key, value, key, value, …] sorted by key id; a register
// never written and absent from --init holds null. A read of null carries no
// information (Knossos's convention), so an unknown txn's reads are free.
#include <algorithm>
#include <memory>

#include "checkers/models/model.h"

namespace fl {
namespace {

constexpr std::int64_t kMicroRead = 0, kMicroWrite = 1;

std::int64_t key_id(const Json& k, ValueTable& values) {
  if (!k.is_string() && !k.is_number_integer())
    throw OpMismatch("a register name must be a string or integer, not " + k.dump());
  return values.id(k);
}

std::int64_t lookup(const State& s, std::int64_t key) {
  for (std::size_t i = 0; i < s.size(); i += 2)
    if (s[i] == key) return s[i + 1];
  return ValueTable::kNull;
}

void assign(State& s, std::int64_t key, std::int64_t value) {
  std::size_t i = 0;
  while (i < s.size() && s[i] < key) i += 2;
  if (i < s.size() && s[i] == key) { s[i + 1] = value; return; }
  s.insert(s.begin() + static_cast<std::ptrdiff_t>(i), {key, value});
}

class MultiRegisterModel : public Model {
 public:
  std::string name() const override { return "multi-register"; }
  std::string description() const override {
    return "named registers read and written by atomic txn ops (--init {\"x\":0,…}; default all null)";
  }
  State initial(const std::optional<Json>& init, ValueTable& values) const override {
    State s;
    if (!init || init->is_null()) return s;
    if (!init->is_object())
      throw OpMismatch("a multi-register starts from an object of register values, not " + init->dump());
    for (auto it = init->begin(); it != init->end(); ++it)
      assign(s, values.id(Json(it.key())), values.id(it.value()));
    return s;
  }
  ModelOp encode(const Op& inv, const Op* done, bool ok, const State&,
                 ValueTable& values) const override {
    if (inv.f != "txn")
      throw OpMismatch("the multi-register model has no operation \"" + inv.f + "\" (it knows txn)");
    const Json& v = ok && done && done->value.is_array() ? done->value : inv.value;
    if (!v.is_array()) throw OpMismatch("a txn must carry a list of micro-ops, not " + v.dump());
    ModelOp m;
    for (const Json& mo : v) {
      if (!mo.is_array() || mo.size() != 3 || !mo[0].is_string() ||
          (mo[0] != "read" && mo[0] != "write"))
        throw OpMismatch("a txn micro-op must be [\"read\"|\"write\", register, value], not " + mo.dump());
      const bool read = mo[0] == "read";
      m.xs.push_back(read ? kMicroRead : kMicroWrite);
      m.xs.push_back(key_id(mo[1], values));
      m.xs.push_back(read && (mo[2].is_null() || !ok) ? kAnyValue : values.id(mo[2]));
    }
    return m;
  }
  bool step(const State& s, const ModelOp& op, State& next, ValueTable&) const override {
    next = s;
    for (std::size_t i = 0; i + 2 < op.xs.size(); i += 3) {
      const std::int64_t kind = op.xs[i], key = op.xs[i + 1], value = op.xs[i + 2];
      if (kind == kMicroRead) {
#if defined(FL_MUTANT_TXN_READS_BEFORE_OWN_WRITES)  // planted: reads see the state before the txn
        if (value != kAnyValue && lookup(s, key) != value) return false;
#else
        if (value != kAnyValue && lookup(next, key) != value) return false;
#endif
      } else {
        assign(next, key, value);
      }
    }
    return true;
  }
  bool read_only(const ModelOp& op) const override {
    for (std::size_t i = 0; i < op.xs.size(); i += 3)
      if (op.xs[i] == kMicroWrite) return false;
    return true;
  }
  std::string describe(const ModelOp& op, const ValueTable& v) const override {
    std::string out = "txn";
    for (std::size_t i = 0; i + 2 < op.xs.size(); i += 3)
      out += std::string(op.xs[i] == kMicroRead ? " r " : " w ") + v.json(op.xs[i + 1]).dump() +
             "=" + v.text(op.xs[i + 2]);
    return out;
  }
};

}  // namespace

std::unique_ptr<Model> make_multi_register_model() { return std::make_unique<MultiRegisterModel>(); }

}  // namespace fl
