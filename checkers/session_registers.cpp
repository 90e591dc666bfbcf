// Session guarantees on registers with unique written values (see session.h).
// Each guarantee, walked along every process's ops on a key, yields
// "no later than" constraints between versions (writes, and the initial
// value, which precedes them all). Chains of virtual nodes keep the
// constraint graph linear: "every own write so far is no later than this
// read" is one edge from a chain that every own write feeds. The constraints
// are consistent iff no strongly connected component holds two distinct
// versions; Tarjan's algorithm finds those in linear time and a BFS inside
// the component recovers one cycle to show.
#include <algorithm>
#include <deque>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "checkers/session.h"
#include "history/error.h"

namespace fl {
namespace {

struct Edge {
  std::uint32_t to;
  unsigned mask;
  std::int64_t op_a, op_b;  // ops that impose the constraint (-1 = none)
};

class ConstraintGraph {
 public:
  // real: a version (write pair >= 0, or -1 for a key's initial value); virtual nodes use -2.
  std::uint32_t add_node(std::int64_t write_pair, std::uint32_t key) {
    version_.push_back(write_pair);
    key_.push_back(key);
    out_.emplace_back();
    return static_cast<std::uint32_t>(version_.size() - 1);
  }
  void add_edge(std::uint32_t from, std::uint32_t to, unsigned mask, std::int64_t a = -1, std::int64_t b = -1) {
    if (from != to) out_[from].push_back(Edge{to, mask, a, b});
  }
  bool is_version(std::uint32_t n) const { return version_[n] >= -1; }
  std::int64_t version(std::uint32_t n) const { return version_[n]; }
  std::uint32_t key(std::uint32_t n) const { return key_[n]; }
  std::size_t size() const { return version_.size(); }

  // Strongly connected components over the edges whose mask meets `mask`
  // (iterative Tarjan). comp[n] = component id.
  std::vector<std::uint32_t> components(unsigned mask) const {
    const std::uint32_t kUnset = 0xffffffffu;
    std::size_t n = size();
    std::vector<std::uint32_t> index(n, kUnset), low(n, 0), comp(n, kUnset);
    std::vector<std::uint32_t> stack;
    std::vector<char> on_stack(n, 0);
    std::vector<std::pair<std::uint32_t, std::size_t>> call;  // node, next edge
    std::uint32_t next_index = 0, next_comp = 0;
    for (std::uint32_t root = 0; root < n; ++root) {
      if (index[root] != kUnset) continue;
      call.push_back({root, 0});
      index[root] = low[root] = next_index++;
      stack.push_back(root);
      on_stack[root] = 1;
      while (!call.empty()) {
        auto& [v, e] = call.back();
        if (e < out_[v].size()) {
          const Edge& ed = out_[v][e++];
          if (!(ed.mask & mask)) continue;
          std::uint32_t w = ed.to;
          if (index[w] == kUnset) {
            index[w] = low[w] = next_index++;
            stack.push_back(w);
            on_stack[w] = 1;
            call.push_back({w, 0});
          } else if (on_stack[w]) {
            low[v] = std::min(low[v], index[w]);
          }
          continue;
        }
        std::uint32_t done = v;
        call.pop_back();
        if (!call.empty()) low[call.back().first] = std::min(low[call.back().first], low[done]);
        if (low[done] == index[done]) {
          std::uint32_t w;
          do {
            w = stack.back();
            stack.pop_back();
            on_stack[w] = 0;
            comp[w] = next_comp;
          } while (w != done);
          ++next_comp;
        }
      }
    }
    return comp;
  }

  // Shortest path from `from` to any node satisfying `stop`, inside component c.
  template <class Stop>
  std::vector<const Edge*> path(std::uint32_t from, const std::vector<std::uint32_t>& comp, unsigned mask,
                                Stop stop) const {
    std::unordered_map<std::uint32_t, std::pair<std::uint32_t, const Edge*>> parent;
    std::deque<std::uint32_t> q{from};
    parent[from] = {from, nullptr};
    while (!q.empty()) {
      std::uint32_t v = q.front();
      q.pop_front();
      for (const Edge& e : out_[v]) {
        if (!(e.mask & mask) || comp[e.to] != comp[from] || parent.count(e.to)) continue;
        parent[e.to] = {v, &e};
        if (stop(e.to)) {
          std::vector<const Edge*> p;
          for (std::uint32_t x = e.to; x != from; x = parent[x].first) p.push_back(parent[x].second);
          std::reverse(p.begin(), p.end());
          return p;
        }
        q.push_back(e.to);
      }
    }
    return {};
  }

 private:
  std::vector<std::int64_t> version_;
  std::vector<std::uint32_t> key_;
  std::vector<std::vector<Edge>> out_;
};

std::uint64_t kv(std::uint32_t key, std::uint32_t val) { return (std::uint64_t{key} << 32) | val; }

// The initial value precedes every write: a fact, not a guarantee, so its
// edges carry their own bit and join every search.
constexpr unsigned kInitialFirst = 16;

}  // namespace

void check_register_sessions(const History& h, unsigned guarantees, AnomalyLog& log) {
  const auto& pairs = h.pairs();
  static const Json no_key;
  ValueIds keys, vals;
  ConstraintGraph g;
  std::vector<std::uint32_t> init_node;
  std::vector<const Json*> key_json;
  std::unordered_map<std::uint64_t, std::uint32_t> write_node;  // (key, value) -> node
  std::unordered_map<std::uint64_t, std::int64_t> failed_write;  // (key, value) -> pair
  std::vector<std::int64_t> pair_node(pairs.size(), -1);
  std::vector<std::uint32_t> pair_key(pairs.size(), 0);
  auto key_of = [&](const Op& inv) {
    std::uint32_t k = keys.id(inv.key ? *inv.key : no_key);
    if (k >= init_node.size()) {
      init_node.push_back(g.add_node(-1, k));
      key_json.push_back(inv.key ? &*inv.key : &no_key);
    }
    return k;
  };
  for (const OpPair& p : pairs) require_known_f(h, p, "session (registers)", {"write", "read"});
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const Op& inv = h[pairs[i].invoke];
    if (inv.f != "write") continue;
    std::uint32_t k = key_of(inv);
    pair_key[i] = k;
    if (inv.value.is_null())
      throw BadInput(h.source(), inv.line, "a write of null cannot be told apart from the initial value; the session checkers need unique non-null writes");
    std::uint64_t id = kv(k, vals.id(inv.value));
    if (write_node.count(id) || failed_write.count(id))
      throw BadInput(h.source(), inv.line,
                     fmt::format("value {} is written to {} twice; the session checkers need unique written values",
                                 show(inv.value), key_name(inv.key ? *inv.key : no_key)));
    if (h.outcome(pairs[i]) == OpType::Fail) {
      failed_write[id] = static_cast<std::int64_t>(i);
      continue;
    }
    std::uint32_t n = g.add_node(static_cast<std::int64_t>(i), k);
    write_node[id] = n;
    pair_node[i] = n;
    g.add_edge(init_node[k], n, kInitialFirst);
  }
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const OpPair& p = pairs[i];
    const Op& inv = h[p.invoke];
    if (inv.f != "read" || h.outcome(p) != OpType::Ok) continue;
    std::uint32_t k = key_of(inv);
    pair_key[i] = k;
    const Json& v = h[p.complete].value;
    if (v.is_null()) { pair_node[i] = init_node[k]; continue; }
    std::uint32_t vid = vals.find(v);
    auto it = vid == ValueIds::kNone ? write_node.end() : write_node.find(kv(k, vid));
    if (it != write_node.end()) { pair_node[i] = it->second; continue; }
    auto f = vid == ValueIds::kNone ? failed_write.end() : failed_write.find(kv(k, vid));
    std::int64_t me = op_index(h, p);
    if (f == failed_write.end())
      log.add("unexpected-value", {me}, fmt::format("read (op {}) of {} returned {}, which no one ever wrote",
                                                    me, key_name(*key_json[k]), show(v)));
    else
      log.add("unexpected-value", {op_index(h, pairs[f->second]), me},
              fmt::format("read (op {}) of {} returned {}, whose only write (op {}) failed", me,
                          key_name(*key_json[k]), show(v), op_index(h, pairs[f->second])));
  }
  // Walk each session and lay down the constraints.
  struct Session {
    std::int64_t own = -1;       // virtual node: every own acknowledged write so far (read-your-writes)
    std::int64_t observed = -1;  // virtual node: every version read so far (writes-follow-reads)
    std::int64_t last_read = -1, last_read_op = -1;
    std::int64_t last_write = -1, last_write_op = -1;
  };
  std::unordered_map<std::uint64_t, Session> sessions;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    if (pair_node[i] < 0) continue;
    const OpPair& p = pairs[i];
    const Op& inv = h[p.invoke];
    std::uint32_t k = pair_key[i];
    auto node = static_cast<std::uint32_t>(pair_node[i]);
    Session& s = sessions[(static_cast<std::uint64_t>(inv.process) << 32) | k];
    std::int64_t me = op_index(h, p);
    if (inv.f == "write") {
      if (s.last_write >= 0) g.add_edge(static_cast<std::uint32_t>(s.last_write), node, kMonotonicWrites, s.last_write_op, me);
      s.last_write = node;
      s.last_write_op = me;
      if (s.observed >= 0) g.add_edge(static_cast<std::uint32_t>(s.observed), node, kWritesFollowReads, me);
      if (h.outcome(p) == OpType::Ok) {
        std::uint32_t own = g.add_node(-2, k);
        g.add_edge(node, own, kReadYourWrites, me);
        if (s.own >= 0) g.add_edge(static_cast<std::uint32_t>(s.own), own, kReadYourWrites);
        s.own = own;
      }
      continue;
    }
    if (s.own >= 0) g.add_edge(static_cast<std::uint32_t>(s.own), node, kReadYourWrites, me);
    if (s.last_read >= 0) g.add_edge(static_cast<std::uint32_t>(s.last_read), node, kMonotonicReads, s.last_read_op, me);
    s.last_read = node;
    s.last_read_op = me;
    std::uint32_t seen = g.add_node(-2, k);
    g.add_edge(node, seen, kWritesFollowReads, me);
    if (s.observed >= 0) g.add_edge(static_cast<std::uint32_t>(s.observed), seen, kWritesFollowReads);
    s.observed = seen;
  }

  auto describe = [&](std::uint32_t n) {
    std::int64_t w = g.version(n);
    if (w < 0) return std::string("the initial value");
    return fmt::format("the write of {} (op {})", show(op_argument(h, pairs[w])), op_index(h, pairs[w]));
  };
  std::vector<char> flagged(g.size(), 0);
  // `report` is the guarantee named by a cycle; `mask` the constraints searched.
  auto find_cycles = [&](unsigned report, bool combined) {
    // Monotonic writes shows on registers only through a reader, so it is
    // searched together with monotonic reads, and only cycles that need a
    // write-order edge are blamed on it.
    unsigned mask = kInitialFirst | (report == kMonotonicWrites ? (kMonotonicWrites | kMonotonicReads) : report);
    std::vector<std::uint32_t> comp = g.components(mask);
    std::vector<std::int64_t> first_version(g.size(), -1);  // per component
    std::vector<char> done(g.size(), 0);
    for (std::uint32_t n = 0; n < g.size(); ++n) {
      if (!g.is_version(n)) continue;
      std::uint32_t c = comp[n];
      if (first_version[c] < 0) { first_version[c] = n; continue; }
      if (done[c]) continue;
      done[c] = 1;
      auto a = static_cast<std::uint32_t>(first_version[c]);
      if (combined && (flagged[a] || flagged[n])) continue;
      auto there = g.path(a, comp, mask, [&](std::uint32_t x) { return g.is_version(x) && x != a; });
      if (there.empty()) continue;
      std::uint32_t b = there.back()->to;
      auto back = g.path(b, comp, mask, [&](std::uint32_t x) { return x == a; });
      std::vector<std::int64_t> ops;
      unsigned used = 0;
      for (auto* part : {&there, &back})
        for (const Edge* e : *part) {
          used |= e->mask & mask & kAllSessionGuarantees;
          for (std::int64_t o : {e->op_a, e->op_b})
            if (o >= 0) ops.push_back(o);
        }
      for (std::uint32_t v : {a, b})
        if (g.version(v) >= 0) ops.push_back(op_index(h, pairs[g.version(v)]));
      if (report == kMonotonicWrites && !(used & kMonotonicWrites)) continue;
      flagged[a] = flagged[n] = 1;
      std::sort(ops.begin(), ops.end());
      ops.erase(std::unique(ops.begin(), ops.end()), ops.end());
      std::vector<std::string> names;
      for (unsigned bit = 1; bit <= 8; bit <<= 1)
        if (used & bit) names.push_back(guarantee_name(bit));
      std::string why = fmt::format("{}", fmt::join(names, " + "));
      log.add(combined ? "session-order-cycle" : guarantee_name(report), ops,
              fmt::format("no order of the writes to {} satisfies {} for ops {}: it would have to put {} both before and after {}",
                          key_name(*key_json[g.key(a)]), why, fmt::join(ops, ", "), describe(a), describe(b)),
              combined ? Json{{"guarantees", names}} : Json::object());
    }
  };
  unsigned chosen = 0;
  for (unsigned bit = 1; bit <= 8; bit <<= 1)
    if (guarantees & bit) { find_cycles(bit, false); ++chosen; }
  if (chosen > 1) find_cycles(guarantees, true);
}

}  // namespace fl
