// The `stats` checker (Jepsen's checker/stats): counts of ok / fail / info per
// f. A run in which some f never succeeds is flagged invalid — usually the
// sign of a broken client or a cluster that was never up. A history with no
// client op is unknown: there is nothing to count.
#include <map>

#include <fmt/format.h>

#include "checkers/anomalies.h"

namespace fl {
namespace {

class StatsChecker : public Checker {
 public:
  std::string name() const override { return "stats"; }
  std::string description() const override {
    return "counts of ok/fail/info per operation; flags an operation that never succeeds";
  }
  CheckResult check(const History& h, const CheckOptions&) const override {
    struct Counts { std::int64_t ok = 0, fail = 0, info = 0; std::vector<std::int64_t> some; };
    std::map<std::string, Counts> by_f;
    Counts total;
    for (const OpPair& p : h.pairs()) {
      Counts& c = by_f[h[p.invoke].f];
      if (c.some.size() < 10) c.some.push_back(p.complete >= 0 ? h[p.complete].index : h[p.invoke].index);
      switch (h.outcome(p)) {
        case OpType::Ok: ++c.ok; ++total.ok; break;
        case OpType::Fail: ++c.fail; ++total.fail; break;
        default: ++c.info; ++total.info; break;
      }
    }
    CheckResult r;
    r.valid = Validity::Valid;
    Json anomalies = Json::array();
    Json per_f = Json::object();
    std::string lines;
    for (const auto& [f, c] : by_f) {
      per_f[f] = {{"ok", c.ok}, {"fail", c.fail}, {"info", c.info}};
      lines += fmt::format("  {:<12} ok {:>8}  fail {:>8}  info {:>8}\n", f, c.ok, c.fail, c.info);
      if (c.ok == 0) {
        r.valid = Validity::Invalid;
        anomalies.push_back({{"kind", "never-succeeds"},
                             {"f", f},
                             {"explanation", fmt::format("no {} operation ever succeeded", f)},
                             {"ops", c.some}});  // the first few of its attempts
      }
    }
    r.detail["by_f"] = per_f;
    r.detail["count"] = {{"ok", total.ok}, {"fail", total.fail}, {"info", total.info}};
    r.detail["anomalies"] = anomalies;
    r.summary = lines;
    if (h.pairs().empty()) nothing_to_judge(r, "the history has no client operation");
    return r;
  }
};

}  // namespace

std::unique_ptr<Checker> make_stats_checker() { return std::make_unique<StatsChecker>(); }

}  // namespace fl
