// The `broadcast` checker (Maelstrom's broadcast workload): `add` v (a
// broadcast of v), `read` → [v…]. Every value whose broadcast was
// acknowledged must be in the final read of every node (final_reads.h: after
// the final heal); one missing there is `lost` on that node. A value that
// nobody broadcast, or whose every broadcast failed, is `unexpected`
// wherever it is read. Valid iff nothing is lost and nothing unexpected;
// unknown when no node has a final read (nothing to judge).
#include <fmt/format.h>

#include "checkers/anomalies.h"
#include "checkers/final_reads.h"
#include "history/error.h"

namespace fl {
namespace {

class BroadcastChecker : public Checker {
 public:
  std::string name() const override { return "broadcast"; }
  std::string description() const override {
    return "broadcast: every acknowledged value in every node's final read, nothing unexpected";
  }

  CheckResult check(const History& h, const CheckOptions&) const override {
    ValueIds ids;
    enum class Add : std::uint8_t { None, Fail, Info, Ok };
    std::vector<Add> adds;             // by value id: its most hopeful broadcast
    std::vector<std::int64_t> add_op;  // by value id: that broadcast's pair
    const auto& pairs = h.pairs();
    auto note = [&](std::uint32_t id) {
      if (id >= adds.size()) {
        adds.resize(id + 1, Add::None);
        add_op.resize(id + 1, -1);
      }
    };
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      const OpPair& p = pairs[i];
      require_known_f(h, p, "broadcast", {"add", "read"});
      const Op& inv = h[p.invoke];
      if (inv.f == "add") {
        std::uint32_t id = ids.id(inv.value);
        note(id);
        OpType out = h.outcome(p);
        Add a = out == OpType::Ok ? Add::Ok : out == OpType::Info ? Add::Info : Add::Fail;
        if (a > adds[id]) {
          adds[id] = a;
          add_op[id] = static_cast<std::int64_t>(i);
        }
      } else if (h.outcome(p) == OpType::Ok && !h[p.complete].value.is_array()) {
        throw BadInput(h.source(), h[p.complete].line,
                       fmt::format("a broadcast read must return a list, got {}", show(h[p.complete].value)));
      }
    }
    AnomalyLog log;
    // Unexpected values, in any ok read.
    for (const OpPair& p : pairs) {
      if (h[p.invoke].f != "read" || h.outcome(p) != OpType::Ok) continue;
      for (const Json& v : h[p.complete].value) {
        std::uint32_t id = ids.find(v);
        if (id != ValueIds::kNone && id < adds.size() && adds[id] >= Add::Info) continue;
        log.add("unexpected", {op_index(h, p)},
                fmt::format("read (op {}) on {} returned {}, which {}", op_index(h, p), h[p.invoke].node, show(v),
                            id == ValueIds::kNone ? "no one ever broadcast" : "was broadcast only by failed ops"));
      }
    }
    auto finals = final_reads(h, "add");
    std::int64_t acknowledged = 0;
    for (Add a : adds) acknowledged += a == Add::Ok;
    Json per_node = Json::object();
    for (const auto& [node, r] : finals) {
      const OpPair& read = pairs[r];
      std::vector<bool> seen(adds.size(), false);
      for (const Json& v : h[read.complete].value) {
        std::uint32_t id = ids.find(v);
        if (id != ValueIds::kNone && id < seen.size()) seen[id] = true;
      }
      std::int64_t lost = 0;
      for (std::uint32_t id = 0; id < adds.size(); ++id) {
        if (adds[id] != Add::Ok || seen[id]) continue;
        ++lost;
        const OpPair& add = pairs[add_op[id]];
        log.add("lost", {op_index(h, add), op_index(h, read)},
                fmt::format("{} was broadcast and acknowledged (op {}) but the final read on {} (op {}) does not hold it",
                            show(op_argument(h, add)), op_index(h, add), node.empty() ? "a node" : node,
                            op_index(h, read)));
      }
      per_node[node.empty() ? "?" : node] = {{"final-read", op_index(h, read)}, {"lost", lost}};
    }
    CheckResult res;
    log.write(res);
    res.detail["acknowledged-count"] = acknowledged;
    res.detail["nodes"] = per_node;
    res.summary = fmt::format("    {} acknowledged, final reads on {} nodes\n", acknowledged, finals.size()) + res.summary;
    if (finals.empty()) nothing_to_judge(res, "no node has an ok read after the last broadcast and the final heal");
    return res;
  }
};

}  // namespace

std::unique_ptr<Checker> make_broadcast_checker() { return std::make_unique<BroadcastChecker>(); }

}  // namespace fl
