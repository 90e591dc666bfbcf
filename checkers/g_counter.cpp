// The `g-counter` checker (Maelstrom's grow-only counter): `add` n (n ≥ 0),
// `read` → n. The counter may lag during the run; only each node's final
// read (final_reads.h: after the final heal) is judged. It must be at least
// the sum of the acknowledged adds and at most the sum of every add that may
// have happened (ok or info); failed adds count for neither. Outside those
// bounds it is `wrong-final-read`. Unknown when no node has a final read.
#include <fmt/format.h>

#include "checkers/anomalies.h"
#include "checkers/final_reads.h"
#include "history/error.h"

namespace fl {
namespace {

class GCounterChecker : public Checker {
 public:
  std::string name() const override { return "g-counter"; }
  std::string description() const override {
    return "g-counter: every node's final read lies between the acknowledged and the attempted adds";
  }

  CheckResult check(const History& h, const CheckOptions&) const override {
    std::int64_t ok = 0, attempted = 0;
    for (const OpPair& p : h.pairs()) {
      require_known_f(h, p, "g-counter", {"add", "read"});
      const Op& inv = h[p.invoke];
      OpType out = h.outcome(p);
      if (inv.f == "add") {
        if (!inv.value.is_number_integer() || inv.value.get<std::int64_t>() < 0)
          throw BadInput(h.source(), inv.line, fmt::format("a g-counter add needs an integer >= 0, got {}", show(inv.value)));
        std::int64_t n = inv.value.get<std::int64_t>();
        if (out == OpType::Ok) ok += n;
        if (out != OpType::Fail) attempted += n;
      } else if (out == OpType::Ok && !h[p.complete].value.is_number_integer()) {
        throw BadInput(h.source(), h[p.complete].line,
                       fmt::format("a g-counter read must return an integer, got {}", show(h[p.complete].value)));
      }
    }
    AnomalyLog log;
    Json per_node = Json::object();
    auto finals = final_reads(h, "add");
    for (const auto& [node, r] : finals) {
      const OpPair& read = h.pairs()[r];
      std::int64_t v = h[read.complete].value.get<std::int64_t>();
      per_node[node.empty() ? "?" : node] = {{"final-read", op_index(h, read)}, {"value", v}};
      if (v >= ok && v <= attempted) continue;
      log.add("wrong-final-read", {op_index(h, read)},
              fmt::format("the final read on {} (op {}) returned {}, but the acknowledged adds sum to {} and every "
                          "add that may have happened to {}",
                          node.empty() ? "a node" : node, op_index(h, read), v, ok, attempted));
    }
    CheckResult res;
    log.write(res);
    res.detail["acknowledged-sum"] = ok;
    res.detail["attempted-sum"] = attempted;
    res.detail["nodes"] = per_node;
    res.summary = fmt::format("    acknowledged adds sum to {}, attempted to {}; final reads on {} nodes\n", ok,
                              attempted, finals.size()) + res.summary;
    if (finals.empty()) nothing_to_judge(res, "no node has an ok read after the last add and the final heal");
    return res;
  }
};

}  // namespace

std::unique_ptr<Checker> make_g_counter_checker() { return std::make_unique<GCounterChecker>(); }

}  // namespace fl
