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
// Both forms — the offline check and the online one fed while a run records
// (checkers/online.h) — feed one core in file order, so their verdicts are
// the same; it keeps the sums, the open ops and one final read per node.
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "checkers/anomalies.h"
#include "checkers/final_reads.h"
#include "checkers/online.h"
#include "history/error.h"

namespace fl {
namespace {

// The sums of the adds and the final reads, fed op by op in file order.
class CounterCore {
 public:
  CounterCore(bool negatives, std::string source)
      : negatives_(negatives), me_(negatives ? "pn-counter" : "g-counter"), source_(std::move(source)) {}

  // Throws BadInput (source:line) for an op it cannot interpret.
  void feed(const OpRef& ref) {
    finals_.feed(ref);
    const Op& op = ref.op();
    if (op.is_nemesis() || ref.pair() < 0) return;
    if (op.is_invoke()) {
      require_known_f(source_, op, me_.c_str(), {"add", "read"});
      if (op.f != "add") {
        reads_.insert(ref.pair());
        return;
      }
      const Json& v = ref.value();
      if (!v.is_number_integer() || (!negatives_ && v.get<std::int64_t>() < 0))
        throw BadInput(source_, op.line, fmt::format("a {} add needs an integer{}, got {}", me_,
                                                     negatives_ ? "" : " >= 0", show(v)));
      adds_[ref.pair()] = v.get<std::int64_t>();
      return;
    }
    if (auto it = adds_.find(ref.pair()); it != adds_.end()) {
      ended(it->second, op.type);
      adds_.erase(it);
    } else if (reads_.erase(ref.pair()) && op.type == OpType::Ok && !ref.value().is_number_integer()) {
      throw BadInput(source_, op.line, fmt::format("a {} read must return an integer, got {}", me_, show(ref.value())));
    }
  }

  // After the last op: adds still open may have happened (info).
  CheckResult finish() {
    for (const auto& [pair, n] : adds_) ended(n, OpType::Info);
    adds_.clear();
    reads_.clear();
    AnomalyLog log;
    Json per_node = Json::object();
    const auto& finals = finals_.reads();
    for (const auto& [node, read] : finals) {
      std::int64_t v = read.value.get<std::int64_t>();
      per_node[node.empty() ? "?" : node] = {{"final-read", read.index}, {"value", v}};
      if (v >= lower_ && v <= upper_) continue;
      log.add("wrong-final-read", {read.index},
              negatives_ ? fmt::format("the final read on {} (op {}) returned {}, but it must lie between {} and {} "
                                       "(the acknowledged adds sum to {}, every add that may have happened to {})",
                                       node.empty() ? "a node" : node, read.index, v, lower_, upper_, ok_, attempted_)
                         : fmt::format("the final read on {} (op {}) returned {}, but the acknowledged adds sum to {} "
                                       "and every add that may have happened to {}",
                                       node.empty() ? "a node" : node, read.index, v, ok_, attempted_));
    }
    CheckResult res;
    log.write(res);
    res.detail["acknowledged-sum"] = ok_;
    res.detail["attempted-sum"] = attempted_;
    if (negatives_) res.detail["bounds"] = Json::array({lower_, upper_});
    res.detail["nodes"] = per_node;
    res.summary = fmt::format("    acknowledged adds sum to {}, attempted to {}; final reads on {} nodes\n", ok_,
                              attempted_, finals.size()) + res.summary;
    if (finals.empty()) nothing_to_judge(res, "no node has an ok read after the last add and the final heal");
    return res;
  }

 private:
  // An add of n ended with `out`. ok / attempted: the sums of the
  // acknowledged and of the maybe-happened adds; lower / upper: the bounds a
  // final read must lie within.
  void ended(std::int64_t n, OpType out) {
    if (out == OpType::Ok) ok_ += n;
    if (out != OpType::Fail) attempted_ += n;
    if (out == OpType::Ok || (out != OpType::Fail && n < 0)) lower_ += n;
    if (out == OpType::Ok || (out != OpType::Fail && n > 0)) upper_ += n;
  }

  bool negatives_;
  std::string me_, source_;
  std::int64_t ok_ = 0, attempted_ = 0, lower_ = 0, upper_ = 0;
  std::unordered_map<std::int64_t, std::int64_t> adds_;  // pair → n, of the adds still open
  std::unordered_set<std::int64_t> reads_;               // pairs of the reads still open
  FinalReads finals_{"add"};
};

class OnlineCounter : public OnlineCheck {
 public:
  OnlineCounter(bool negatives, std::string source) : core_(negatives, std::move(source)) {}
  void feed(const OpRef& op) override { core_.feed(op); }
  // Nothing is decided before the end: a read is final only if no add or
  // fault follows it, and the bounds move with every add.
  std::vector<std::string> take_anomalies() override { return {}; }
  CheckResult finish(std::int64_t) override { return core_.finish(); }

 private:
  CounterCore core_;
};

class GCounterChecker : public Checker {
 public:
  explicit GCounterChecker(bool negatives) : negatives_(negatives) {}
  std::string name() const override { return negatives_ ? "pn-counter" : "g-counter"; }
  std::string description() const override {
    return name() + ": every node's final read lies between the acknowledged and the attempted adds";
  }

  CheckResult check(const History& h, const CheckOptions&) const override {
    CounterCore core(negatives_, h.source());
    replay(h, [&](const OpRef& op) { core.feed(op); });
    return core.finish();
  }
  std::unique_ptr<OnlineCheck> online(const CheckOptions& opts) const override {
    return std::make_unique<OnlineCounter>(negatives_, opts.source);
  }

 private:
  bool negatives_;
};

}  // namespace

std::unique_ptr<Checker> make_g_counter_checker() { return std::make_unique<GCounterChecker>(false); }
std::unique_ptr<Checker> make_pn_counter_checker() { return std::make_unique<GCounterChecker>(true); }

}  // namespace fl
