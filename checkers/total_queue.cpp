// The `total-queue` checker (Jepsen's checker/total-queue): `enqueue` v,
// `dequeue` → v (null when empty), `drain` → [v…]. Counting values as a
// multiset: every acknowledged enqueue must come out (by a dequeue or a
// drain) — else `lost`; nothing may come out that was never enqueued (or
// whose only enqueue failed) — `unexpected`; a value may not come out more
// times than it was enqueued — `duplicated`. Info enqueues that come out are
// `recovered`. Order is not checked (that is the fifo-queue model's job).
// With no acknowledged enqueue and nothing taken out: unknown.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "checkers/anomalies.h"
#include "history/error.h"

namespace fl {
namespace {

class TotalQueueChecker : public Checker {
 public:
  std::string name() const override { return "total-queue"; }
  std::string description() const override {
    return "total-queue: enqueued values lost, duplicated or unexpected (dequeue and drain)";
  }

  CheckResult check(const History& h, const CheckOptions&) const override {
    ValueIds ids;
    struct Value {
      std::vector<std::int64_t> ok_enq, info_enq, fail_enq;  // pairs
      std::vector<std::int64_t> out;                        // pairs of dequeues / drains
    };
    std::vector<Value> vals;
    auto value = [&](const Json& v) -> Value& {
      std::uint32_t id = ids.id(v);
      if (id >= vals.size()) vals.resize(id + 1);
      return vals[id];
    };
    std::vector<Json> shown;
    const auto& pairs = h.pairs();
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      const OpPair& p = pairs[i];
      const Op& inv = h[p.invoke];
      OpType out = h.outcome(p);
      auto pi = static_cast<std::int64_t>(i);
      require_known_f(h, p, "total-queue", {"enqueue", "dequeue", "drain"});
      if (inv.f == "enqueue") {
        Value& v = value(inv.value);
        (out == OpType::Ok ? v.ok_enq : out == OpType::Fail ? v.fail_enq : v.info_enq).push_back(pi);
      } else if (inv.f == "dequeue" && out == OpType::Ok) {
        const Json& got = h[p.complete].value;
        if (!got.is_null()) value(got).out.push_back(pi);
      } else if (inv.f == "drain" && out == OpType::Ok) {
        const Json& got = h[p.complete].value;
        if (!got.is_array())
          throw BadInput(h.source(), h[p.complete].line, fmt::format("a drain must return a list, got {}", show(got)));
        for (const Json& g : got) value(g).out.push_back(pi);
      }
    }
    // Re-derive each id's JSON for explanations (ids are dense, in first-seen order).
    shown.resize(vals.size());
    for (const OpPair& p : pairs) {
      const Op& inv = h[p.invoke];
      auto note = [&](const Json& v) { std::uint32_t id = ids.find(v); if (id != ValueIds::kNone && shown[id].is_null()) shown[id] = v; };
      if (inv.f == "enqueue") note(inv.value);
      else if (inv.f == "dequeue" && h.outcome(p) == OpType::Ok && !h[p.complete].value.is_null()) note(h[p.complete].value);
      else if (inv.f == "drain" && h.outcome(p) == OpType::Ok) for (const Json& g : h[p.complete].value) note(g);
    }
    AnomalyLog log;
    std::int64_t lost = 0, dup = 0, unexpected = 0, recovered = 0, acknowledged = 0, attempted = 0;
    for (std::size_t id = 0; id < vals.size(); ++id) {
      const Value& v = vals[id];
      std::string s = show(shown[id]);
      std::size_t enq = v.ok_enq.size() + v.info_enq.size();
      acknowledged += v.ok_enq.size();
      attempted += enq;
      if (enq == 0 && !v.out.empty()) {
        ++unexpected;
        std::vector<std::int64_t> ops;
        for (auto e : v.fail_enq) ops.push_back(op_index(h, pairs[e]));
        ops.push_back(op_index(h, pairs[v.out[0]]));
        log.add("unexpected", ops,
                v.fail_enq.empty()
                    ? fmt::format("op {} took {} out of the queue, but no one ever enqueued it", ops.back(), s)
                    : fmt::format("op {} took {} out of the queue, but its only enqueue (op {}) failed", ops.back(), s, ops[0]));
        continue;
      }
#if defined(FL_MUTANT_QUEUE_IGNORES_DUPLICATES)  // planted: a value may come out any number of times
      if (false) {
#else
      if (v.out.size() > enq) {
#endif
        ++dup;
        std::vector<std::int64_t> ops;
        for (auto o : v.out) ops.push_back(op_index(h, pairs[o]));
        log.add("duplicated", ops,
                fmt::format("{} was enqueued {} time(s) but came out {} times (ops {})", s, enq, v.out.size(),
                            fmt::join(ops, ", ")));
      }
      if (v.out.size() < v.ok_enq.size()) {
        ++lost;
        std::vector<std::int64_t> ops;
        for (std::size_t k = v.out.size(); k < v.ok_enq.size(); ++k) ops.push_back(op_index(h, pairs[v.ok_enq[k]]));
        log.add("lost", ops,
                fmt::format("{} was enqueued successfully (op {}) but never came out of the queue", s, ops[0]));
      }
      if (!v.info_enq.empty() && v.out.size() > v.ok_enq.size()) ++recovered;
    }
    CheckResult r;
    log.write(r);
    r.detail["attempt-count"] = attempted;
    r.detail["acknowledged-count"] = acknowledged;
    r.detail["lost-count"] = lost;
    r.detail["duplicated-count"] = dup;
    r.detail["unexpected-count"] = unexpected;
    r.detail["recovered-count"] = recovered;
    std::size_t came_out = 0;
    for (const Value& v : vals) came_out += v.out.size();
    if (acknowledged == 0 && came_out == 0)
      nothing_to_judge(r, "no enqueue was acknowledged and no value came out of the queue");
    return r;
  }
};

}  // namespace

std::unique_ptr<Checker> make_total_queue_checker() { return std::make_unique<TotalQueueChecker>(); }

}  // namespace fl
