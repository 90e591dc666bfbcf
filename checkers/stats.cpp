// The `stats` checker (Jepsen's checker/stats): counts of ok / fail / info per
// f. A run in which some f never succeeds is flagged invalid — usually the
// sign of a broken client or a cluster that was never up. A history with no
// client op is unknown: there is nothing to count. Its online form keeps the
// same counts as the run records (memory: one entry per f and per open op),
// so its verdict is the offline one.
#include <map>
#include <unordered_map>

#include <fmt/format.h>

#include "checkers/anomalies.h"
#include "checkers/online.h"

namespace fl {
namespace {

// The counts of every op, in pair (invocation) order, and what a verdict says of them.
class Tally {
 public:
  static constexpr std::size_t kNamed = 10;  // ops an anomaly names: the first few of its f's attempts

  // Op number `pair` (History::pairs() order) of `f` began at history index `index`.
  void invoked(std::int64_t pair, const std::string& f, std::int64_t index) {
    Counts& c = by_f_[f];
    if (c.some.size() < kNamed) c.some.push_back({pair, index});
    ++pairs_;
  }
  // It ended (`done`: the completion's index, -1 for an op that never ended, which counts as info).
  void ended(std::int64_t pair, const std::string& f, OpType outcome, std::int64_t done) {
    Counts& c = by_f_[f];
    for (auto& [p, index] : c.some)
      if (p == pair && done >= 0) index = done;
    switch (outcome) {
      case OpType::Ok: ++c.ok; ++total_.ok; break;
      case OpType::Fail: ++c.fail; ++total_.fail; break;
      default: ++c.info; ++total_.info; break;
    }
  }

  CheckResult result() const {
    CheckResult r;
    r.valid = Validity::Valid;
    Json anomalies = Json::array();
    Json per_f = Json::object();
    std::string lines;
    for (const auto& [f, c] : by_f_) {
      per_f[f] = {{"ok", c.ok}, {"fail", c.fail}, {"info", c.info}};
      lines += fmt::format("  {:<12} ok {:>8}  fail {:>8}  info {:>8}\n", f, c.ok, c.fail, c.info);
      if (c.ok == 0) {
        r.valid = Validity::Invalid;
        Json ops = Json::array();
        for (const auto& [pair, index] : c.some) ops.push_back(index);
        anomalies.push_back({{"kind", "never-succeeds"},
                             {"f", f},
                             {"explanation", fmt::format("no {} operation ever succeeded", f)},
                             {"ops", ops}});
      }
    }
    r.detail["by_f"] = per_f;
    r.detail["count"] = {{"ok", total_.ok}, {"fail", total_.fail}, {"info", total_.info}};
    r.detail["anomalies"] = anomalies;
    r.summary = lines;
    if (pairs_ == 0) nothing_to_judge(r, "the history has no client operation");
    return r;
  }

 private:
  struct Counts {
    std::int64_t ok = 0, fail = 0, info = 0;
    std::vector<std::pair<std::int64_t, std::int64_t>> some;  // (pair, index): completion's, or invoke's if none
  };
  std::map<std::string, Counts> by_f_;
  Counts total_;
  std::int64_t pairs_ = 0;
};

class OnlineStats : public OnlineCheck {
 public:
  void feed(const OpRef& ref) override {
    const Op& op = ref.op();
    if (op.is_nemesis() || ref.pair() < 0) return;
    if (op.is_invoke()) {
      tally_.invoked(ref.pair(), op.f, op.index);
      open_[ref.pair()] = op.f;
      return;
    }
    auto it = open_.find(ref.pair());
    if (it == open_.end()) return;  // a completion without its invocation: the offline check ignores it too
    tally_.ended(ref.pair(), it->second, op.type, op.index);
    open_.erase(it);
  }
  // A count settles only at the end: an f may yet succeed.
  std::vector<std::string> take_anomalies() override { return {}; }
  CheckResult finish(std::int64_t) override {
    for (const auto& [pair, f] : open_) tally_.ended(pair, f, OpType::Info, -1);
    open_.clear();
    return tally_.result();
  }

 private:
  Tally tally_;
  std::unordered_map<std::int64_t, std::string> open_;  // pair → f of ops not yet ended
};

class StatsChecker : public Checker {
 public:
  std::string name() const override { return "stats"; }
  std::string description() const override {
    return "counts of ok/fail/info per operation; flags an operation that never succeeds";
  }
  CheckResult check(const History& h, const CheckOptions&) const override {
    Tally tally;
    std::int64_t pair = 0;
    for (const OpPair& p : h.pairs()) {
      const std::string& f = h[p.invoke].f;
      tally.invoked(pair, f, h[p.invoke].index);
      tally.ended(pair, f, h.outcome(p), p.complete >= 0 ? h[p.complete].index : -1);
      ++pair;
    }
    return tally.result();
  }
  std::unique_ptr<OnlineCheck> online(const CheckOptions&) const override { return std::make_unique<OnlineStats>(); }
};

}  // namespace

std::unique_ptr<Checker> make_stats_checker() { return std::make_unique<StatsChecker>(); }

}  // namespace fl
