// The `g-counter` checker (Maelstrom's grow-only counter): `add` n (n ≥ 0),
// `read` → n. The counter may lag during the run; only each node's final
// read (final_reads.h: after the final heal) is judged. It must be at least
// the sum of the acknowledged adds and at most the sum of every add that may
// have happened (ok or info); failed adds count for neither. Outside those
// bounds it is `wrong-final-read`. Unknown when no node has a final read.
// The `pn-counter` checker (Maelstrom's counter that also decrements) is the
// same with adds of any sign: the final read lies between the acknowledged
// increments plus every decrement that may have happened, and every
// increment that may have happened plus the acknowledged decrements.
#include <fmt/format.h>

#include "checkers/anomalies.h"
#include "checkers/final_reads.h"
#include "history/error.h"

namespace fl {
namespace {

class GCounterChecker : public Checker {
 public:
  explicit GCounterChecker(bool negatives) : negatives_(negatives) {}
  std::string name() const override { return negatives_ ? "pn-counter" : "g-counter"; }
  std::string description() const override {
    return name() + ": every node's final read lies between the acknowledged and the attempted adds";
  }

  CheckResult check(const History& h, const CheckOptions&) const override {
    const std::string me = name();
    // ok / attempted: the sums of the acknowledged and of the maybe-happened
    // adds; lower / upper: the bounds a final read must lie within.
    std::int64_t ok = 0, attempted = 0, lower = 0, upper = 0;
    for (const OpPair& p : h.pairs()) {
      require_known_f(h, p, me.c_str(), {"add", "read"});
      const Op& inv = h[p.invoke];
      OpType out = h.outcome(p);
      if (inv.f == "add") {
        if (!inv.value.is_number_integer() || (!negatives_ && inv.value.get<std::int64_t>() < 0))
          throw BadInput(h.source(), inv.line, fmt::format("a {} add needs an integer{}, got {}", me,
                                                           negatives_ ? "" : " >= 0", show(inv.value)));
        std::int64_t n = inv.value.get<std::int64_t>();
        if (out == OpType::Ok) ok += n;
        if (out != OpType::Fail) attempted += n;
        if (out == OpType::Ok || (out != OpType::Fail && n < 0)) lower += n;
        if (out == OpType::Ok || (out != OpType::Fail && n > 0)) upper += n;
      } else if (out == OpType::Ok && !h[p.complete].value.is_number_integer()) {
        throw BadInput(h.source(), h[p.complete].line,
                       fmt::format("a {} read must return an integer, got {}", me, show(h[p.complete].value)));
      }
    }
    AnomalyLog log;
    Json per_node = Json::object();
    auto finals = final_reads(h, "add");
    for (const auto& [node, r] : finals) {
      const OpPair& read = h.pairs()[r];
      std::int64_t v = h[read.complete].value.get<std::int64_t>();
      per_node[node.empty() ? "?" : node] = {{"final-read", op_index(h, read)}, {"value", v}};
      if (v >= lower && v <= upper) continue;
      log.add("wrong-final-read", {op_index(h, read)},
              negatives_ ? fmt::format("the final read on {} (op {}) returned {}, but it must lie between {} and {} "
                                       "(the acknowledged adds sum to {}, every add that may have happened to {})",
                                       node.empty() ? "a node" : node, op_index(h, read), v, lower, upper, ok, attempted)
                         : fmt::format("the final read on {} (op {}) returned {}, but the acknowledged adds sum to {} "
                                       "and every add that may have happened to {}",
                                       node.empty() ? "a node" : node, op_index(h, read), v, ok, attempted));
    }
    CheckResult res;
    log.write(res);
    res.detail["acknowledged-sum"] = ok;
    res.detail["attempted-sum"] = attempted;
    if (negatives_) res.detail["bounds"] = Json::array({lower, upper});
    res.detail["nodes"] = per_node;
    res.summary = fmt::format("    acknowledged adds sum to {}, attempted to {}; final reads on {} nodes\n", ok,
                              attempted, finals.size()) + res.summary;
    if (finals.empty()) nothing_to_judge(res, "no node has an ok read after the last add and the final heal");
    return res;
  }

 private:
  bool negatives_;
};

}  // namespace

std::unique_ptr<Checker> make_g_counter_checker() { return std::make_unique<GCounterChecker>(false); }
std::unique_ptr<Checker> make_pn_counter_checker() { return std::make_unique<GCounterChecker>(true); }

}  // namespace fl
