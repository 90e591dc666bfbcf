// The `broadcast` checker (Maelstrom's broadcast workload; its g-set workload
// is judged by it too): `add` v (a broadcast of v), `read` → [v…]. Every
// value whose broadcast was acknowledged must be in the final read of every
// node (final_reads.h: after the final heal); one missing there is `lost` on
// that node. A value that nobody broadcast, or whose every broadcast failed,
// is `unexpected` wherever it is read. Valid iff nothing is lost and nothing
// unexpected; unknown when no node has a final read (nothing to judge).
// Both forms — the offline check and the online one fed while a run records
// (checkers/online.h) — feed one core in file order, so their results are
// the same. It must hold every value broadcast (any final read may yet miss
// any acknowledged one) with its most hopeful broadcast so far; the ops still
// open; one final read per node; and of a value read before any broadcast of
// it ended ok or info, where it was read (the first kMaxPerKind places), until
// one does — a value so read is unexpected only if none ever does. A read's
// list is never held otherwise. Nothing is decided before the end: a later
// broadcast can make a value read expected, and a later read can be final.
#include <algorithm>
#include <cstdint>
#include <map>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>

#include "checkers/anomalies.h"
#include "checkers/final_reads.h"
#include "checkers/online.h"
#include "history/error.h"

namespace fl {
namespace {

// The broadcast checker's whole judgement, fed op by op in file order.
class BroadcastCore {
 public:
  explicit BroadcastCore(std::string source) : source_(std::move(source)) {}

  // Throws BadInput (source:line) for an op it cannot interpret.
  void feed(const OpRef& ref) {
    finals_.feed(ref);
    const Op& op = ref.op();
    if (op.is_nemesis() || ref.pair() < 0) return;
    if (op.is_invoke()) {
      require_known_f(source_, op, "broadcast", {"add", "read"});
      if (op.f == "add") {
        const std::uint32_t id = element(ref.value());
        if (els_[id].first_add < 0) els_[id].first_add = ref.pair();
        open_adds_[ref.pair()] = OpenAdd{id, op.index};
      } else {
        open_reads_[ref.pair()] = op.node;
      }
      return;
    }
    if (auto it = open_adds_.find(ref.pair()); it != open_adds_.end()) {
      ended(it->second.id, ref.pair(), op.type, op.index);
      open_adds_.erase(it);
      return;
    }
    auto it = open_reads_.find(ref.pair());
    if (it == open_reads_.end()) return;
    if (op.type == OpType::Ok) {
      const Json& v = ref.value();
      if (!v.is_array())
        throw BadInput(source_, op.line, fmt::format("a broadcast read must return a list, got {}", show(v)));
      for (std::size_t at = 0; at < v.size(); ++at) {
        const std::uint32_t id = element(v[at]);
        if (els_[id].expected()) continue;
        pending_[id].keep(Occurrence{ref.pair(), static_cast<std::int64_t>(at), op.index, it->second});
      }
    }
    open_reads_.erase(it);
  }

  // After the last op: broadcasts still open may have happened (info).
  CheckResult finish() {
    for (const auto& [pair, add] : open_adds_) ended(add.id, pair, OpType::Info, add.invoke_index);
    open_adds_.clear();
    open_reads_.clear();
    AnomalyLog log;
    // Unexpected values, in the order of the reads' invocations, then of their places in a read.
    std::vector<std::pair<const Occurrence*, std::uint32_t>> unexpected;
    std::int64_t more = 0;
    for (const auto& [id, p] : pending_) {
      for (const Occurrence& o : p.kept) unexpected.emplace_back(&o, id);
      more += p.more;
    }
    std::sort(unexpected.begin(), unexpected.end(), [](const auto& a, const auto& b) {
      return std::tie(a.first->read, a.first->at) < std::tie(b.first->read, b.first->at);
    });
    for (const auto& [o, id] : unexpected)
      log.add("unexpected", {o->index},
              fmt::format("read (op {}) on {} returned {}, which {}", o->index, o->node, show(els_[id].value),
                          els_[id].first_add < 0 ? "no one ever broadcast" : "was broadcast only by failed ops"));
    for (std::int64_t i = 0; i < more; ++i) log.add("unexpected", {}, "");
    // Lost values, node by node, in the order of their first broadcast.
    std::vector<std::uint32_t> acked;
    for (std::uint32_t id = 0; id < els_.size(); ++id)
      if (els_[id].best == Add::Ok) acked.push_back(id);
    std::sort(acked.begin(), acked.end(),
              [this](std::uint32_t a, std::uint32_t b) { return els_[a].first_add < els_[b].first_add; });
    const auto& finals = finals_.reads();
    Json per_node = Json::object();
    for (const auto& [node, read] : finals) {
      std::vector<bool> seen(els_.size(), false);
      for (const Json& v : read.value) {
        const std::uint32_t id = ids_.find(v);
        if (id != ValueIds::kNone) seen[id] = true;
      }
      std::int64_t lost = 0;
      for (std::uint32_t id : acked) {
        if (seen[id]) continue;
        ++lost;
        const Element& e = els_[id];
        log.add("lost", {e.best_index, read.index},
                fmt::format("{} was broadcast and acknowledged (op {}) but the final read on {} (op {}) does not hold it",
                            show(e.value), e.best_index, node.empty() ? "a node" : node, read.index));
      }
      per_node[node.empty() ? "?" : node] = {{"final-read", read.index}, {"lost", lost}};
    }
    CheckResult res;
    log.write(res);
    res.detail["acknowledged-count"] = static_cast<std::int64_t>(acked.size());
    res.detail["nodes"] = per_node;
    res.summary = fmt::format("    {} acknowledged, final reads on {} nodes\n", acked.size(), finals.size()) + res.summary;
    if (finals.empty()) nothing_to_judge(res, "no node has an ok read after the last broadcast and the final heal");
    return res;
  }

 private:
  // How a broadcast of a value ended, the most hopeful first.
  enum class Add : std::uint8_t { None, Fail, Info, Ok };
  struct Element {
    Json value;
    std::int64_t first_add = -1;  // pair of its first broadcast: its place among the values
    Add best = Add::None;         // its most hopeful broadcast (the first such, by pair)
    std::int64_t best_pair = -1, best_index = -1;
    bool expected() const { return best >= Add::Info; }
  };
  // A place where a value not (yet) expected was read: the read's pair, the
  // value's place in it, the read's op index and the node it asked.
  struct Occurrence {
    std::int64_t read, at, index;
    std::string node;
  };
  // The first kMaxPerKind places of a value, by (read, at), and how many more.
  struct Pending {
    std::vector<Occurrence> kept;
    std::int64_t more = 0;
    void keep(Occurrence o) {
      if (kept.size() < AnomalyLog::kMaxPerKind) {
        kept.push_back(std::move(o));
        return;
      }
      ++more;
      auto last = std::max_element(kept.begin(), kept.end(), [](const Occurrence& a, const Occurrence& b) {
        return std::tie(a.read, a.at) < std::tie(b.read, b.at);
      });
      if (std::tie(o.read, o.at) < std::tie(last->read, last->at)) *last = std::move(o);
    }
  };
  struct OpenAdd {
    std::uint32_t id;
    std::int64_t invoke_index;
  };

  std::uint32_t element(const Json& v) {
    const std::uint32_t id = ids_.id(v);
    if (id >= els_.size()) {
      els_.resize(id + 1);
      els_[id].value = v;
    }
    return id;
  }

  // A broadcast of value `id` ended (one never completed ends as info, with
  // its invocation's index).
  void ended(std::uint32_t id, std::int64_t pair, OpType out, std::int64_t index) {
    Element& e = els_[id];
    const Add a = out == OpType::Ok ? Add::Ok : out == OpType::Info ? Add::Info : Add::Fail;
    if (a > e.best || (a == e.best && pair < e.best_pair)) {
      e.best = a;
      e.best_pair = pair;
      e.best_index = index;
    }
    if (e.expected()) pending_.erase(id);
  }

  std::string source_;
  ValueIds ids_;
  std::vector<Element> els_;                               // by value id
  std::unordered_map<std::uint32_t, Pending> pending_;     // by value id: read while not expected
  std::unordered_map<std::int64_t, OpenAdd> open_adds_;    // pair → the broadcast still open
  std::unordered_map<std::int64_t, std::string> open_reads_;  // pair → the node a read still open asked
  FinalReads finals_{"add"};
};

class OnlineBroadcast : public OnlineCheck {
 public:
  explicit OnlineBroadcast(std::string source) : core_(std::move(source)) {}
  void feed(const OpRef& op) override { core_.feed(op); }
  std::vector<std::string> take_anomalies() override { return {}; }  // nothing is decided before the end
  CheckResult finish(std::int64_t) override { return core_.finish(); }

 private:
  BroadcastCore core_;
};

class BroadcastChecker : public Checker {
 public:
  std::string name() const override { return "broadcast"; }
  std::string description() const override {
    return "broadcast: every acknowledged value in every node's final read, nothing unexpected";
  }

  CheckResult check(const History& h, const CheckOptions&) const override {
    BroadcastCore core(h.source());
    replay(h, [&](const OpRef& op) { core.feed(op); });
    return core.finish();
  }
  std::unique_ptr<OnlineCheck> online(const CheckOptions& opts) const override {
    return std::make_unique<OnlineBroadcast>(opts.source);
  }
};

}  // namespace

std::unique_ptr<Checker> make_broadcast_checker() { return std::make_unique<BroadcastChecker>(); }

}  // namespace fl
