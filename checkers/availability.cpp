// The `availability` checker: of the client operations invoked (nemesis
// events aside), the share that completed ok must reach the target in
// params["availability"] (checkers/availability.h). A fail or an info is an
// op the system did not serve. Invalid below the target, naming the first
// unserved ops; unknown without a target or without a client op.
#include "checkers/availability.h"

#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include <fmt/format.h>

#include "checkers/anomalies.h"

namespace fl {

double parse_availability(const std::string& text) {
  if (text == "total") return 1;
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v) || v < 0 || v > 1)
    throw std::invalid_argument(
        fmt::format("--availability takes \"total\" or a fraction from 0 to 1, not \"{}\"", text));
  return v;
}

namespace {

class AvailabilityChecker : public Checker {
 public:
  std::string name() const override { return "availability"; }
  std::string description() const override {
    return "the share of client ops that succeed reaches --availability (total, or a fraction)";
  }

  CheckResult check(const History& h, const CheckOptions& opts) const override {
    CheckResult res;
    const Json& target = opts.params.contains("availability") ? opts.params["availability"] : Json();
    if (!target.is_number() || target.get<double>() < 0 || target.get<double>() > 1) {
      nothing_to_judge(res, "no availability target was given (--availability total, or a fraction)");
      return res;
    }
    const double want = target.get<double>();
    std::int64_t ok = 0, total = 0;
    std::vector<std::int64_t> unserved;
    for (const OpPair& p : h.pairs()) {
      ++total;
      if (h.outcome(p) == OpType::Ok) ++ok;
      else if (unserved.size() < 10) unserved.push_back(op_index(h, p));
    }
    res.detail["target"] = want;
    res.detail["ok-count"] = ok;
    res.detail["op-count"] = total;
    if (total == 0) {
      nothing_to_judge(res, "the history has no client operation");
      return res;
    }
    const double share = static_cast<double>(ok) / static_cast<double>(total);
    res.detail["ok-fraction"] = share;
    AnomalyLog log;
    // "total" is exact: one unserved op misses it, whatever the rounding.
    if (want >= 1 ? ok < total : share < want)
      log.add("unavailable", unserved,
              fmt::format("{} of {} ops ({:.1f}%) succeeded; --availability asks for {}", ok, total, 100 * share,
                          want >= 1 ? std::string("every one") : fmt::format("{:g}%", 100 * want)));
    log.write(res);
    res.summary += fmt::format("{} of {} ops ok ({:.1f}%), target {:g}%\n", ok, total, 100 * share, 100 * want);
    return res;
  }
};

}  // namespace

std::unique_ptr<Checker> make_availability_checker() { return std::make_unique<AvailabilityChecker>(); }

}  // namespace fl
