// The session-guarantee checkers: `session` (all four, plus list-append
// integrity) and one checker per guarantee. The workload is recognised from
// the ops: any `append` means list-append, otherwise registers (`write`/`read`).
// With no ok read nothing shows a guarantee broken or kept: unknown.
#include <fmt/format.h>

#include "checkers/session.h"

namespace fl {

const char* guarantee_name(unsigned g) {
  switch (g) {
    case kReadYourWrites: return "read-your-writes";
    case kMonotonicReads: return "monotonic-reads";
    case kMonotonicWrites: return "monotonic-writes";
    case kWritesFollowReads: return "writes-follow-reads";
  }
  return "session";
}

namespace {

class SessionChecker : public Checker {
 public:
  explicit SessionChecker(unsigned guarantees) : guarantees_(guarantees) {}
  std::string name() const override { return guarantees_ == kAllSessionGuarantees ? "session" : guarantee_name(guarantees_); }
  std::string description() const override {
    switch (guarantees_) {
      case kReadYourWrites: return "read-your-writes: a process's reads reflect its own earlier writes";
      case kMonotonicReads: return "monotonic-reads: a process's reads of a key never go back in version order";
      case kMonotonicWrites: return "monotonic-writes: a process's writes are applied in the order it issued them";
      case kWritesFollowReads: return "writes-follow-reads: a write is ordered after the state its process read before it";
    }
    return "session guarantees (all four), on list-append or unique-value registers, plus list-append integrity";
  }

  CheckResult check(const History& given, const CheckOptions&) const override {
#if defined(FL_MUTANT_SESSION_SKIPS_PROCESS)  // planted: the first process's session goes unchecked
    std::vector<Op> kept;
    for (const Op& op : given.ops())
      if (given.pairs().empty() || op.process != given[given.pairs()[0].invoke].process) kept.push_back(op);
    const History h(std::move(kept), given.source());
#else
    const History& h = given;
#endif
    bool list_append = false;
    for (const OpPair& p : h.pairs())
      if (h[p.invoke].f == "append") { list_append = true; break; }
    AnomalyLog log;
    if (list_append)
      check_list_append_sessions(h, guarantees_, guarantees_ == kAllSessionGuarantees, log);
    else
      check_register_sessions(h, guarantees_, log);
    CheckResult r;
    log.write(r);
    r.detail["workload"] = list_append ? "list-append" : "register";
    Json names = Json::array();
    for (unsigned bit = 1; bit <= 8; bit <<= 1)
      if (guarantees_ & bit) names.push_back(guarantee_name(bit));
    r.detail["guarantees"] = names;
    // Every guarantee shows through reads: with no ok read nothing was judged.
    bool any_read = false;
    for (const OpPair& p : h.pairs()) any_read |= h[p.invoke].f == "read" && h.outcome(p) == OpType::Ok;
    if (!any_read && r.valid == Validity::Valid) nothing_to_judge(r, "no read succeeded");
    return r;
  }

 private:
  unsigned guarantees_;
};

}  // namespace

std::unique_ptr<Checker> make_session_checker() { return std::make_unique<SessionChecker>(kAllSessionGuarantees); }
std::unique_ptr<Checker> make_read_your_writes_checker() { return std::make_unique<SessionChecker>(kReadYourWrites); }
std::unique_ptr<Checker> make_monotonic_reads_checker() { return std::make_unique<SessionChecker>(kMonotonicReads); }
std::unique_ptr<Checker> make_monotonic_writes_checker() { return std::make_unique<SessionChecker>(kMonotonicWrites); }
std::unique_ptr<Checker> make_writes_follow_reads_checker() { return std::make_unique<SessionChecker>(kWritesFollowReads); }

}  // namespace fl
