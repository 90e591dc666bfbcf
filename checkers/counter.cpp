// The `counter` checker (Jepsen's checker/counter): `add` n, `read` → n.
// Every ok read must lie within bounds: at least the initial value plus the
// acknowledged increments that completed before the read began, at most the
// initial value plus every increment that was attempted (ok or info — an info
// add may have happened) before the read completed. Negative adds swap roles.
// Failed adds never happened and count for neither bound. The initial value is
// --init (a number), 0 by default. With no ok read: unknown (nothing to judge).
#include <fmt/format.h>

#include "checkers/anomalies.h"
#include "history/error.h"

namespace fl {
namespace {

class CounterChecker : public Checker {
 public:
  std::string name() const override { return "counter"; }
  std::string description() const override {
    return "counter: every read lies between acknowledged and attempted increments";
  }

  CheckResult check(const History& h, const CheckOptions& opts) const override {
    std::int64_t init = 0;
    if (opts.init && opts.init->is_number_integer()) init = opts.init->get<std::int64_t>();
    // Per history position: what happens there (sweep in real-time order).
    const auto& pairs = h.pairs();
    std::vector<std::int64_t> at(h.size(), -1);  // position -> pair
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      at[pairs[i].invoke] = static_cast<std::int64_t>(i);
      if (pairs[i].complete >= 0) at[pairs[i].complete] = static_cast<std::int64_t>(i);
    }
    auto amount = [&](const OpPair& p) -> std::int64_t {
      const Json& v = op_argument(h, p);
      if (!v.is_number_integer())
        throw BadInput(h.source(), h[p.invoke].line, fmt::format("a counter add needs an integer, got {}", show(v)));
      return v.get<std::int64_t>();
    };
    std::int64_t ok_pos = 0, ok_neg = 0, att_pos = 0, att_neg = 0;
    std::vector<std::pair<std::int64_t, std::int64_t>> at_invoke(pairs.size());  // read: (ok_pos, ok_neg)
    AnomalyLog log;
    std::int64_t reads = 0;
    for (std::size_t pos = 0; pos < h.size(); ++pos) {
      if (at[pos] < 0) continue;
      const OpPair& p = pairs[at[pos]];
      const Op& inv = h[p.invoke];
      OpType out = h.outcome(p);
      bool is_invoke = static_cast<std::int64_t>(pos) == p.invoke;
      if (is_invoke) require_known_f(h, p, "counter", {"add", "read"});
      if (inv.f == "add") {
        if (out == OpType::Fail) continue;
        std::int64_t n = amount(p);
#if defined(FL_MUTANT_COUNTER_IGNORES_INFO)  // planted: an unknown add surely did not happen
        if (out == OpType::Info) continue;
#endif
        if (is_invoke) (n >= 0 ? att_pos : att_neg) += n;
        else if (out == OpType::Ok) (n >= 0 ? ok_pos : ok_neg) += n;
      } else if (inv.f == "read" && out == OpType::Ok) {
        if (is_invoke) { at_invoke[at[pos]] = {ok_pos, ok_neg}; continue; }
        ++reads;
        const Json& v = h[pos].value;
        if (!v.is_number_integer())
          throw BadInput(h.source(), h[pos].line, fmt::format("a counter read must return an integer, got {}", show(v)));
        std::int64_t got = v.get<std::int64_t>();
        std::int64_t lower = init + at_invoke[at[pos]].first + att_neg;
        std::int64_t upper = init + att_pos + at_invoke[at[pos]].second;
        if (got < lower || got > upper)
          log.add(got < lower ? "read-too-low" : "read-too-high", {h[pos].index},
                  got < lower
                      ? fmt::format("read (op {}) returned {} but increments acknowledged before it began already reach {}",
                                    h[pos].index, got, lower)
                      : fmt::format("read (op {}) returned {} but all increments attempted before it ended reach only {}",
                                    h[pos].index, got, upper),
                  {{"value", got}, {"lower", lower}, {"upper", upper}});
      }
    }
    CheckResult r;
    log.write(r);
    r.detail["reads"] = reads;
    r.detail["acknowledged"] = init + ok_pos + ok_neg;
    r.detail["attempted"] = init + att_pos + att_neg;
    if (reads == 0) nothing_to_judge(r, "no read of the counter succeeded");
    return r;
  }
};

}  // namespace

std::unique_ptr<Checker> make_counter_checker() { return std::make_unique<CounterChecker>(); }

}  // namespace fl
