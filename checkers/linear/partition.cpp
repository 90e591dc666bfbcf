#include "checkers/linear/partition.h"

#include <map>
#include <stdexcept>
#include <unordered_map>

#include "history/error.h"

namespace fl {

std::vector<PartitionPlan> plan_partitions(const History& h) {
  std::vector<PartitionPlan> plans;
  std::unordered_map<std::string, std::size_t> by_key;
  const auto& pairs = h.pairs();
  for (std::size_t i = 0; i < pairs.size(); ++i) {
#if !defined(FL_MUTANT_FAIL_AS_INFO)  // planted: a failed op may still have happened
    if (h.outcome(pairs[i]) == OpType::Fail) continue;  // it did not happen
#endif
#if defined(FL_MUTANT_INFO_DROPPED)  // planted: an unknown op surely did not happen
    if (h.outcome(pairs[i]) == OpType::Info) continue;
#endif
    const Op& inv = h[static_cast<std::size_t>(pairs[i].invoke)];
    const Op* done = pairs[i].complete >= 0 ? &h[static_cast<std::size_t>(pairs[i].complete)] : nullptr;
    const std::optional<Json>& key = inv.key ? inv.key : (done ? done->key : inv.key);
    std::string k = key ? key->dump() : std::string();
#if defined(FL_MUTANT_SPLIT_DEPENDENT_KEYS)  // planted: a txn checked with its first register only
    if (inv.f == "txn" && inv.value.is_array() && !inv.value.empty() && inv.value[0].is_array() &&
        inv.value[0].size() > 1)
      k = inv.value[0][1].dump();
#endif
    auto it = by_key.find(k);
    if (it == by_key.end()) {
      it = by_key.emplace(k, plans.size()).first;
      plans.push_back(PartitionPlan{k, {}});
    }
    plans[it->second].pairs.push_back(static_cast<std::int32_t>(i));
  }
  return plans;
}

Partition encode_partition(const History& h, const PartitionPlan& plan, const Model& model,
                           const std::optional<Json>& init) {
  Partition p;
  p.key = plan.key;
  try {
    p.init = model.initial(init, p.values);
  } catch (const OpMismatch& e) {
    throw std::invalid_argument(std::string("--init does not fit the ") + model.name() +
                                " model: " + e.what());
  }
  std::unordered_map<ModelOp, std::int32_t, ModelOpHash> class_of;
  p.register_like = true;
  p.ops.reserve(plan.pairs.size());
  for (std::int32_t pi : plan.pairs) {
    const OpPair& pair = h.pairs()[static_cast<std::size_t>(pi)];
    const Op& inv = h[static_cast<std::size_t>(pair.invoke)];
    const Op* done = pair.complete >= 0 ? &h[static_cast<std::size_t>(pair.complete)] : nullptr;
    const bool ok = h.outcome(pair) == OpType::Ok;
    ModelOp m;
    try {
      m = model.encode(inv, done, ok, p.init, p.values);
    } catch (const OpMismatch& e) {
      throw BadInput(h.source(), (ok && done) ? done->line : inv.line, e.what());
    }
    if (!ok && model.read_only(m)) continue;  // an unknown op that changes nothing constrains nothing
    SearchOp op;
    op.call = pair.invoke;
    op.ret = ok ? pair.complete : kNever;
#if defined(FL_MUTANT_REALTIME_IGNORED)  // planted: every op overlaps every other
    if (ok) op.ret = kNever - 1;
#endif
#if defined(FL_MUTANT_INFO_FORCED)  // planted: an unknown op surely took effect
    if (!ok) op.ret = kNever - 1;
#endif
    op.pair = pi;
    op.observes = model.observes(m);
    op.produces = model.produces(m);
    if (op.observes == kOpaque || op.produces == kOpaque) p.register_like = false;
    auto it = class_of.find(m);
    if (it == class_of.end()) {
      it = class_of.emplace(m, static_cast<std::int32_t>(p.classes.size())).first;
      p.classes.push_back(std::move(m));
    }
    op.cls = it->second;
    p.ops.push_back(op);
  }
  return p;
}

}  // namespace fl
