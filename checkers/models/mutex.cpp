// The mutex model (Knossos's): acquire is legal only when unlocked, release
// only when locked. One word of state: 0 unlocked, 1 locked. --init takes
// true/false, 1/0 or "locked"/"unlocked"; the default is unlocked.
#include <memory>

#include "checkers/models/model.h"

namespace fl {
namespace {

enum MutexF : std::int32_t { kAcquire = 0, kRelease = 1 };

class MutexModel : public WordModel {
 public:
  std::string name() const override { return "mutex"; }
  std::string description() const override { return "a lock with acquire and release (default unlocked)"; }
  State initial(const std::optional<Json>& init, ValueTable&) const override {
    if (!init || init->is_null() || *init == false || *init == 0 || *init == "unlocked") return {0};
    if (*init == true || *init == 1 || *init == "locked") return {1};
    throw OpMismatch("a mutex starts \"locked\" or \"unlocked\", not " + init->dump());
  }
  ModelOp encode(const Op& inv, const Op*, bool, const State&, ValueTable&) const override {
    ModelOp m;
    if (inv.f == "acquire") m.f = kAcquire;
    else if (inv.f == "release") m.f = kRelease;
    else
      throw OpMismatch("the mutex model has no operation \"" + inv.f + "\" (it knows acquire, release)");
    return m;
  }
  bool step_word(std::int64_t s, const ModelOp& op, std::int64_t& next, ValueTable&) const override {
    next = op.f == kAcquire ? 1 : 0;
#if defined(FL_MUTANT_MUTEX_RELEASE_UNCHECKED)  // planted: releasing a free lock is fine
    if (op.f == kRelease) return true;
#endif
    return s != next;
  }
  std::int64_t observes(const ModelOp& op) const override { return op.f == kAcquire ? 0 : 1; }
  std::int64_t produces(const ModelOp& op) const override { return op.f == kAcquire ? 1 : 0; }
  std::string describe(const ModelOp& op, const ValueTable&) const override {
    return op.f == kAcquire ? "acquire" : "release";
  }
};

}  // namespace

std::unique_ptr<Model> make_mutex_model() { return std::make_unique<MutexModel>(); }

}  // namespace fl
