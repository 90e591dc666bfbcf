// The kv model: independent registers, one per key (the checker splits a
// history by Op::key, so this model sees one key at a time and its state is
// that key's value). It takes the register ops (read / write / cas) and
// Porcupine's string ops: get, put, append (concatenates onto the value; a
// null value counts as ""). --init sets every key's initial value.
#include <memory>

#include "checkers/models/model.h"

namespace fl {
namespace {

enum KvF : std::int32_t { kGet = 0, kPut = 1, kCas = 2, kAppend = 3 };

std::int64_t scalar(const Json& v, ValueTable& values, const char* what) {
  if (v.is_array() || v.is_object())
    throw OpMismatch(std::string(what) + " must be a number, string or null, not " + v.dump());
  return values.id(v);
}

class KvModel : public WordModel {
 public:
  std::string name() const override { return "kv"; }
  std::string description() const override {
    return "independent registers keyed by key: get/read, put/write, cas, append a string "
           "(--init is every key's initial value, default null)";
  }
  State initial(const std::optional<Json>& init, ValueTable& values) const override {
    return {init ? scalar(*init, values, "the initial value") : ValueTable::kNull};
  }
  ModelOp encode(const Op& inv, const Op* done, bool ok, const State& init,
                 ValueTable& values) const override {
    ModelOp m;
    if (inv.f == "get" || inv.f == "read") {
      m.f = kGet;
      const Json& r = op_result(inv, done);
      if (!ok) m.a = kAnyValue;
      else if (r.is_null()) m.a = init[0] == ValueTable::kNull ? ValueTable::kNull : kAnyValue;
      else m.a = scalar(r, values, "a get's result");
    } else if (inv.f == "put" || inv.f == "write") {
      m.f = kPut;
      m.a = scalar(inv.value, values, "a put's value");
    } else if (inv.f == "append") {
      m.f = kAppend;
      if (!inv.value.is_string())
        throw OpMismatch("an append must carry a string, not " + inv.value.dump());
      m.a = values.id(inv.value);
    } else if (inv.f == "cas") {
      m.f = kCas;
      const Json* v = &inv.value;
      if (!(v->is_array() && v->size() == 2) && done) v = &done->value;
      if (!(v->is_array() && v->size() == 2))
        throw OpMismatch("a cas must carry [old, new], not " + inv.value.dump());
      m.a = scalar((*v)[0], values, "a cas's old value");
      m.b = scalar((*v)[1], values, "a cas's new value");
    } else {
      throw OpMismatch("the kv model has no operation \"" + inv.f +
                       "\" (it knows get, put, append, read, write, cas)");
    }
    return m;
  }
  bool step_word(std::int64_t s, const ModelOp& op, std::int64_t& next,
                 ValueTable& values) const override {
    switch (op.f) {
      case kGet: next = s; return op.a == kAnyValue || op.a == s;
      case kPut: next = op.a; return true;
      case kCas: next = op.b; return s == op.a;
      default: {
        const Json& cur = values.json(s);
        if (!cur.is_null() && !cur.is_string()) return false;
        std::string joined = cur.is_null() ? std::string() : cur.get<std::string>();
#if defined(FL_MUTANT_KV_APPEND_REPLACES)  // planted: append acts as put
        joined.clear();
#endif
        joined += values.json(op.a).get<std::string>();
        next = values.id_string(joined);
        return true;
      }
    }
  }
  bool read_only(const ModelOp& op) const override { return op.f == kGet; }
  std::int64_t observes(const ModelOp& op) const override {
    if (op.f == kAppend) return kOpaque;
    if (op.f == kPut || (op.f == kGet && op.a == kAnyValue)) return kNoValue;
    return op.a;
  }
  std::int64_t produces(const ModelOp& op) const override {
    switch (op.f) {
      case kGet: return kNoValue;
      case kPut: return op.a;
      case kCas: return op.b;
      default: return kOpaque;
    }
  }
  // Appends only extend a value, so a value that is not a prefix of what a
  // later get returns can only be repaired by a put or cas.
  bool resets(const ModelOp& op) const override { return op.f == kPut || op.f == kCas; }
  bool can_reach(std::int64_t s, const ModelOp& later, const ValueTable& values) const override {
    if (later.f != kGet || later.a < 0) return true;
    const Json& now = values.json(s);
    const Json& want = values.json(later.a);
    if (now.is_null()) return true;
    if (!now.is_string() || !want.is_string()) return now == want;
    const auto& a = now.get_ref<const std::string&>();
    const auto& b = want.get_ref<const std::string&>();
    return a.size() <= b.size() && b.compare(0, a.size(), a) == 0;
  }
  std::string describe(const ModelOp& op, const ValueTable& v) const override {
    switch (op.f) {
      case kGet: return "get " + v.text(op.a);
      case kPut: return "put " + v.text(op.a);
      case kCas: return "cas " + v.text(op.a) + "->" + v.text(op.b);
      default: return "append " + v.text(op.a);
    }
  }
};

}  // namespace

std::unique_ptr<Model> make_kv_model() { return std::make_unique<KvModel>(); }

}  // namespace fl
