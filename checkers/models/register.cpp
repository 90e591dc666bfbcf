// The register (read / write) and cas-register (read / write / cas) models,
// one word of state: the interned value. A read whose result is null is a read
// of the initial absence when the register starts as null (Porcupine's etcd
// logs), and carries no information when it starts with a value (Knossos's
// convention, which its corpus relies on). A cas that completed ok took effect.
#include <memory>

#include "checkers/models/model.h"

namespace fl {
namespace {

enum RegisterF : std::int32_t { kRead = 0, kWrite = 1, kCas = 2 };

std::int64_t scalar(const Json& v, ValueTable& values, const char* what) {
  if (v.is_array() || v.is_object())
    throw OpMismatch(std::string(what) + " must be a number, string or null, not " + v.dump());
  return values.id(v);
}

class RegisterModel : public WordModel {
 public:
  explicit RegisterModel(bool with_cas) : cas_(with_cas) {}
  std::string name() const override { return cas_ ? "cas-register" : "register"; }
  std::string description() const override {
    return cas_ ? "a register with read, write and compare-and-set (default initial value null)"
                : "a register with read and write (default initial value null)";
  }
  State initial(const std::optional<Json>& init, ValueTable& values) const override {
    return {init ? scalar(*init, values, "the initial value") : ValueTable::kNull};
  }
  ModelOp encode(const Op& inv, const Op* done, bool ok, const State& init,
                 ValueTable& values) const override {
    ModelOp m;
    if (inv.f == "read") {
      m.f = kRead;
      const Json& r = op_result(inv, done);
      if (!ok) m.a = kAnyValue;
      else if (r.is_null()) m.a = init[0] == ValueTable::kNull ? ValueTable::kNull : kAnyValue;
      else m.a = scalar(r, values, "a read's result");
    } else if (inv.f == "write") {
      m.f = kWrite;
      m.a = scalar(inv.value, values, "a write's value");
    } else if (inv.f == "cas" && cas_) {
      m.f = kCas;
      const Json* v = &inv.value;
      if (!(v->is_array() && v->size() == 2) && done) v = &done->value;
      if (!(v->is_array() && v->size() == 2))
        throw OpMismatch("a cas must carry [old, new], not " + inv.value.dump());
      m.a = scalar((*v)[0], values, "a cas's old value");
      m.b = scalar((*v)[1], values, "a cas's new value");
    } else {
      throw OpMismatch("the " + name() + " model has no operation \"" + inv.f + "\" (it knows " +
                       (cas_ ? "read, write, cas)" : "read, write)"));
    }
    return m;
  }
  bool step_word(std::int64_t s, const ModelOp& op, std::int64_t& next, ValueTable&) const override {
    switch (op.f) {
#if defined(FL_MUTANT_READ_ACCEPTS_ANYTHING)  // planted
      case kRead: next = s; return true;
#else
      case kRead: next = s; return op.a == kAnyValue || op.a == s;
#endif
      case kWrite: next = op.a; return true;
#if defined(FL_MUTANT_CAS_IGNORES_OLD)  // planted
      default: next = op.b; return true;
#else
      default: next = op.b; return s == op.a;
#endif
    }
  }
  bool read_only(const ModelOp& op) const override { return op.f == kRead; }
  std::int64_t observes(const ModelOp& op) const override {
    if (op.f == kWrite) return kNoValue;
    if (op.f == kRead && op.a == kAnyValue) return kNoValue;
    return op.a;
  }
  std::int64_t produces(const ModelOp& op) const override {
    return op.f == kRead ? kNoValue : op.f == kWrite ? op.a : op.b;
  }
  std::string describe(const ModelOp& op, const ValueTable& v) const override {
    switch (op.f) {
      case kRead: return "read " + v.text(op.a);
      case kWrite: return "write " + v.text(op.a);
      default: return "cas " + v.text(op.a) + "->" + v.text(op.b);
    }
  }

 private:
  bool cas_;
};

}  // namespace

std::unique_ptr<Model> make_register_model() { return std::make_unique<RegisterModel>(false); }
std::unique_ptr<Model> make_cas_register_model() { return std::make_unique<RegisterModel>(true); }

}  // namespace fl
