// Causal consistency of key-value registers with unique written values, after
// Bouajjani, Enea, Guerraoui and Hamza, "On verifying causal consistency"
// (POPL 2017). With unique values the reads-from relation rf is known, so the
// causal order is co = (po ∪ rf)+ and each variant fails exactly when one of
// its bad patterns occurs:
//   CC  (causal consistency): cyclic-co, write-co-init-read, thin-air-read, write-co-read;
//   CM  (causal memory):      CC's patterns + write-hb-init-read, cyclic-hb;
//   CCv (causal convergence): CC's patterns + cyclic-cf.
// co is kept as vector clocks (one entry per process), so CC and CCv cost
// O(ops × processes × log) — a write is in a read's causal past iff the clock
// says so, and only the latest write per process and key needs looking at.
// CM builds, per process p, the happens-before hb_p of p's causal past to a
// fixpoint (usually two or three rounds of the same clock computation).
// `causal` checks all three variants; `causal-consistency`, `causal-memory`
// and `causal-convergence` one each. Ok reads and non-failed writes take
// part (an info write may have happened); histories whose writes repeat a
// value on a key, or write null, are refused (BadInput), never guessed. With
// no ok read no pattern can occur: unknown.
#include <algorithm>
#include <unordered_set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "checkers/anomalies.h"
#include "history/error.h"

namespace fl {
namespace {

enum Variant : unsigned { kCC = 1, kCM = 2, kCCv = 4, kAllVariants = 7 };
constexpr std::int64_t kInit = -1, kThinAir = -2;

struct Event {
  std::int64_t pair;
  std::uint32_t proc, seq;  // dense process id; 1-based position in the process
  std::uint32_t key;
  bool write;
  std::int64_t src = kInit;  // reads: the event written, kInit, or kThinAir
};

struct Extra {
  std::uint32_t other;   // the other end
  std::uint32_t reason;  // the read that imposed the edge
};

class CausalAnalysis {
 public:
  CausalAnalysis(const History& h, AnomalyLog& log) : h_(h), log_(log) { build(); }

  // Returns the variants (bits) that hold.
  unsigned run(unsigned variants) {
    if (!causal_order()) return 0;
    if (!base_patterns()) return 0;  // CM and CCv include CC's patterns
    unsigned ok = kAllVariants;
    if ((variants & kCCv) && !convergence()) ok &= ~kCCv;
    if ((variants & kCM) && !memory()) ok &= ~kCM;
    return ok;
  }

 private:
  const History& h_;
  AnomalyLog& log_;
  std::vector<Event> ev_;
  std::vector<std::vector<std::uint32_t>> by_proc_;
  std::vector<std::vector<std::uint32_t>> readers_;  // write event -> reads of it
  std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> writes_;  // (key, proc) -> write events by seq
  std::vector<std::vector<std::uint32_t>> writers_;  // key -> processes that write it
  std::vector<const Json*> key_json_;
  std::size_t P_ = 0;
  std::vector<std::uint32_t> vc_;  // event × process; valid after causal_order()

  static std::uint64_t kp(std::uint32_t k, std::uint32_t p) { return (std::uint64_t{k} << 32) | p; }
  std::int64_t op(std::uint32_t e) const { return op_index(h_, h_.pairs()[ev_[e].pair]); }
  const Json& arg(std::uint32_t e) const { return op_argument(h_, h_.pairs()[ev_[e].pair]); }
  const Json& key(std::uint32_t e) const { return *key_json_[ev_[e].key]; }
  std::uint32_t* clock(std::vector<std::uint32_t>& vc, std::uint32_t e) const { return &vc[std::size_t{e} * P_]; }
  const std::uint32_t* clock(const std::vector<std::uint32_t>& vc, std::uint32_t e) const { return &vc[std::size_t{e} * P_]; }
  // a is in the causal past of b (or is b), under clocks vc.
  bool before(const std::vector<std::uint32_t>& vc, std::uint32_t a, std::uint32_t b) const {
    return vc[std::size_t{b} * P_ + ev_[a].proc] >= ev_[a].seq;
  }
  std::string what(std::uint32_t e) const {
    return ev_[e].write ? fmt::format("the write of {} (op {})", show(arg(e)), op(e))
                        : fmt::format("the read of {} (op {})", show(op_result(h_, h_.pairs()[ev_[e].pair])), op(e));
  }

  void build() {
    static const Json no_key;
    const auto& pairs = h_.pairs();
    ValueIds keys, vals, procs;
    std::unordered_map<std::uint64_t, std::uint32_t> write_of;   // (key, value) -> event
    std::unordered_map<std::uint64_t, std::int64_t> failed;      // (key, value) -> pair
    auto key_of = [&](const Op& inv) {
      std::uint32_t k = keys.id(inv.key ? *inv.key : no_key);
      if (k >= key_json_.size()) { key_json_.push_back(inv.key ? &*inv.key : &no_key); writers_.emplace_back(); }
      return k;
    };
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      const OpPair& p = pairs[i];
      const Op& inv = h_[p.invoke];
      OpType out = h_.outcome(p);
      require_known_f(h_, p, "causal", {"write", "read"});
      bool write = inv.f == "write";
      if (!write && !(inv.f == "read" && out == OpType::Ok)) continue;
      std::uint32_t k = key_of(inv);
      if (write) {
        if (inv.value.is_null())
          throw BadInput(h_.source(), inv.line, "a write of null cannot be told apart from the initial value; the causal checkers need unique non-null writes");
        std::uint64_t id = kp(k, vals.id(inv.value));
        if (write_of.count(id) || failed.count(id))
          throw BadInput(h_.source(), inv.line,
                         fmt::format("value {} is written to {} twice; the causal checkers need unique written values",
                                     show(inv.value), key_name(*key_json_[k])));
        if (out == OpType::Fail) { failed[id] = static_cast<std::int64_t>(i); continue; }
        write_of[id] = static_cast<std::uint32_t>(ev_.size());
      }
      std::uint32_t pr = procs.id(Json(inv.process));
      if (pr >= by_proc_.size()) by_proc_.emplace_back();
      by_proc_[pr].push_back(static_cast<std::uint32_t>(ev_.size()));
      ev_.push_back(Event{static_cast<std::int64_t>(i), pr, static_cast<std::uint32_t>(by_proc_[pr].size()), k, write});
    }
    P_ = by_proc_.size();
    readers_.resize(ev_.size());
    for (std::uint32_t e = 0; e < ev_.size(); ++e) {
      Event& x = ev_[e];
      if (x.write) {
        auto& ws = writes_[kp(x.key, x.proc)];
        if (ws.empty()) writers_[x.key].push_back(x.proc);
        ws.push_back(e);
        continue;
      }
      const Op& c = h_[h_.pairs()[x.pair].complete];
      if (c.value.is_null()) continue;  // the initial value
      std::uint32_t vid = vals.find(c.value);
      auto it = vid == ValueIds::kNone ? write_of.end() : write_of.find(kp(x.key, vid));
      if (it != write_of.end()) { x.src = it->second; readers_[it->second].push_back(e); continue; }
#if defined(FL_MUTANT_CAUSAL_THIN_AIR_AS_INITIAL)  // planted: a value nobody wrote reads as the initial one
      continue;
#endif
      x.src = kThinAir;
      auto f = vid == ValueIds::kNone ? failed.end() : failed.find(kp(x.key, vid));
      if (f == failed.end())
        log_.add("thin-air-read", {op(e)},
                 fmt::format("read (op {}) of {} returned {}, which no one ever wrote", op(e), key_name(key(e)), show(c.value)),
                 {{"violates", {"CC", "CM", "CCv"}}});
      else
        log_.add("thin-air-read", {op_index(h_, h_.pairs()[f->second]), op(e)},
                 fmt::format("read (op {}) of {} returned {}, whose only write (op {}) failed", op(e),
                             key_name(key(e)), show(c.value), op_index(h_, h_.pairs()[f->second])),
                 {{"violates", {"CC", "CM", "CCv"}}});
    }
  }

  // Topological clocks over po ∪ rf ∪ extra (extra_in: edges into each event),
  // restricted to events with scope[e] (all when scope is empty). Returns the
  // events of one cycle (in order) when there is one, else fills vc.
  std::vector<std::uint32_t> clocks(const std::vector<std::vector<Extra>>& extra_out,
                                    const std::vector<std::vector<Extra>>& extra_in, const std::vector<char>& scope,
                                    std::vector<std::uint32_t>& vc) const {
    std::size_t m = ev_.size();
    auto in = [&](std::uint32_t e) { return scope.empty() || scope[e]; };
    auto src_of = [&](std::uint32_t e) -> std::int64_t { return ev_[e].write ? kInit : ev_[e].src; };
    std::vector<std::uint32_t> indeg(m, 0), order;
    order.reserve(m);
    for (std::uint32_t e = 0; e < m; ++e) {
      if (!in(e)) continue;
      if (ev_[e].seq > 1) ++indeg[e];
      if (src_of(e) >= 0 && in(static_cast<std::uint32_t>(src_of(e)))) ++indeg[e];
      if (!extra_in.empty())
        for (const Extra& x : extra_in[e]) if (in(x.other)) ++indeg[e];
      if (!indeg[e]) order.push_back(e);
    }
    vc.assign(m * P_, 0);
    for (std::size_t i = 0; i < order.size(); ++i) {
      std::uint32_t e = order[i];
      std::uint32_t* c = clock(vc, e);
      c[ev_[e].proc] = std::max(c[ev_[e].proc], ev_[e].seq);
      auto push = [&](std::uint32_t s) {
        if (!in(s)) return;
        std::uint32_t* d = clock(vc, s);
        for (std::size_t q = 0; q < P_; ++q) d[q] = std::max(d[q], c[q]);
        if (--indeg[s] == 0) order.push_back(s);
      };
      const auto& mine = by_proc_[ev_[e].proc];
      if (ev_[e].seq < mine.size()) push(mine[ev_[e].seq]);
      for (std::uint32_t r : readers_[e]) push(r);
      if (!extra_out.empty()) for (const Extra& x : extra_out[e]) push(x.other);
    }
    std::size_t scoped = 0;
    for (std::uint32_t e = 0; e < m; ++e) scoped += in(e);
    if (order.size() == scoped) return {};
    // A cycle: walk backwards through unfinished predecessors until one repeats.
    std::vector<char> finished(m, 0);
    for (std::uint32_t e : order) finished[e] = 1;
    std::uint32_t x = 0;
    while (!in(x) || finished[x]) ++x;
    std::vector<std::int64_t> step(m, -1);
    std::vector<std::uint32_t> walk;
    while (step[x] < 0) {
      step[x] = static_cast<std::int64_t>(walk.size());
      walk.push_back(x);
      auto open = [&](std::int64_t p) { return p >= 0 && in(static_cast<std::uint32_t>(p)) && !finished[p]; };
      std::int64_t next = -1;
      if (ev_[x].seq > 1 && open(by_proc_[ev_[x].proc][ev_[x].seq - 2])) next = by_proc_[ev_[x].proc][ev_[x].seq - 2];
      else if (open(src_of(x))) next = src_of(x);
      else if (!extra_in.empty())
        for (const Extra& y : extra_in[x]) if (open(y.other)) { next = y.other; break; }
      x = static_cast<std::uint32_t>(next);
    }
    std::vector<std::uint32_t> cycle(walk.begin() + step[x], walk.end());
    std::reverse(cycle.begin(), cycle.end());
    return cycle;
  }

  // Reasons (reads) of the extra edges along a cycle, for the report.
  std::vector<std::int64_t> cycle_ops(const std::vector<std::uint32_t>& cycle,
                                      const std::vector<std::vector<Extra>>& extra_in) const {
    std::vector<std::int64_t> ops;
    for (std::size_t i = 0; i < cycle.size(); ++i) {
      std::uint32_t a = cycle[i], b = cycle[(i + 1) % cycle.size()];
      ops.push_back(op(a));
      if (!extra_in.empty())
        for (const Extra& x : extra_in[b])
          if (x.other == a) { ops.push_back(op(x.reason)); break; }
    }
    std::sort(ops.begin(), ops.end());
    ops.erase(std::unique(ops.begin(), ops.end()), ops.end());
    return ops;
  }

  bool causal_order() {
    std::vector<std::vector<Extra>> none;
    auto cycle = clocks(none, none, {}, vc_);
    if (cycle.empty()) return true;
    auto ops = cycle_ops(cycle, none);
    log_.add("cyclic-co", ops,
             fmt::format("ops {} are each causally before the next (same process, or a read of the other's write) and so, in a cycle, before themselves",
                         fmt::join(ops, ", ")),
             {{"violates", {"CC", "CM", "CCv"}}});
    return false;
  }

  // Latest write on key k by process q with seq <= upto, or -1.
  std::int64_t latest_write(std::uint32_t k, std::uint32_t q, std::uint32_t upto) const {
    auto it = writes_.find(kp(k, q));
    if (it == writes_.end()) return -1;
    const auto& ws = it->second;
    auto pos = std::upper_bound(ws.begin(), ws.end(), upto,
                                [&](std::uint32_t s, std::uint32_t e) { return s < ev_[e].seq; });
    return pos == ws.begin() ? std::int64_t{-1} : std::int64_t{*(pos - 1)};
  }

  bool base_patterns() {
    bool ok = true;
    for (std::uint32_t r = 0; r < ev_.size(); ++r) {
      const Event& x = ev_[r];
      if (x.write) continue;
      if (x.src == kThinAir) { ok = false; continue; }
      for (std::uint32_t q : writers_[x.key]) {
        std::int64_t w2 = latest_write(x.key, q, clock(vc_, r)[q]);
        if (w2 < 0 || w2 == x.src) continue;
        auto w = static_cast<std::uint32_t>(w2);
        if (x.src == kInit) {
          log_.add("write-co-init-read", {op(w), op(r)},
                   fmt::format("read (op {}) of {} returned the initial value although {} causally precedes it",
                               op(r), key_name(key(r)), what(w)),
                   {{"violates", {"CC", "CM", "CCv"}}});
          ok = false;
          break;
        }
        auto w1 = static_cast<std::uint32_t>(x.src);
        if (before(vc_, w1, w)) {
          log_.add("write-co-read", {op(w1), op(w), op(r)},
                   fmt::format("read (op {}) of {} returned {} from op {}, although {} overwrote it and causally precedes the read",
                               op(r), key_name(key(r)), show(arg(w1)), op(w1), what(w)),
                   {{"violates", {"CC", "CM", "CCv"}}});
          ok = false;
          break;
        }
      }
    }
    return ok;
  }

  // CCv: conflict edges w2 -> w1 when a read of w1 has w2 (same key) in its
  // causal past; only the latest such write per process matters.
  bool convergence() {
    std::vector<std::vector<Extra>> out(ev_.size()), in(ev_.size());
    for (std::uint32_t r = 0; r < ev_.size(); ++r) {
      const Event& x = ev_[r];
      if (x.write || x.src < 0) continue;
      for (std::uint32_t q : writers_[x.key]) {
        std::int64_t w2 = latest_write(x.key, q, clock(vc_, r)[q]);
        if (w2 < 0 || w2 == x.src) continue;
        if (ev_[w2].proc == ev_[x.src].proc && ev_[w2].seq < ev_[x.src].seq) continue;  // already po-before
        out[w2].push_back(Extra{static_cast<std::uint32_t>(x.src), r});
        in[x.src].push_back(Extra{static_cast<std::uint32_t>(w2), r});
      }
    }
    std::vector<std::uint32_t> vc;
    auto cycle = clocks(out, in, {}, vc);
    if (cycle.empty()) return true;
    auto ops = cycle_ops(cycle, in);
    log_.add("cyclic-cf", ops,
             fmt::format("no single order of the writes explains ops {}: each read there saw a write that the order must put after another write it also knew of, and these demands form a cycle",
                         fmt::join(ops, ", ")),
             {{"violates", {"CCv"}}});
    return false;
  }

  // CM: per process p, hb_p over the causal past of p's last op, saturated.
  bool memory() {
    bool ok = true;
    std::vector<std::uint32_t> vc;
    for (std::uint32_t p = 0; p < P_; ++p) {
      if (by_proc_[p].empty()) continue;
      bool reads = false;
      for (std::uint32_t e : by_proc_[p]) reads |= !ev_[e].write && ev_[e].src != kThinAir;
      if (!reads) continue;  // without reads hb_p is co itself: nothing new to find
      std::uint32_t last = by_proc_[p].back();
      std::vector<char> scope;
      std::vector<std::vector<Extra>> out, in;
      std::unordered_set<std::uint64_t> have;
      bool failed = false;
      // Round 0 derives from co itself (the causal-order clocks, which agree
      // with hb_p's before any derived edge); later rounds recompute clocks.
      const std::vector<std::uint32_t>* cur = &vc_;
      for (int round = 0; !failed; ++round) {
        if (round == 1) {
          scope.assign(ev_.size(), 0);
          for (std::uint32_t e = 0; e < ev_.size(); ++e) scope[e] = before(vc_, e, last);
        }
        auto cycle = round == 0 ? std::vector<std::uint32_t>{} : clocks(out, in, scope, vc);
        if (round > 0) cur = &vc;
        if (!cycle.empty()) {
          auto ops = cycle_ops(cycle, in);
          log_.add("cyclic-hb", ops,
                   fmt::format("process {} cannot order the writes it knows of: its own reads (among ops {}) force a cycle",
                               h_[h_.pairs()[ev_[last].pair].invoke].process, fmt::join(ops, ", ")),
                   {{"violates", {"CM"}}});
          failed = true;
          break;
        }
        bool grew = false;
        for (std::uint32_t r : by_proc_[p]) {
          const Event& x = ev_[r];
          if (x.write || x.src == kThinAir) continue;
          for (std::uint32_t q : writers_[x.key]) {
            std::int64_t w2 = latest_write(x.key, q, clock(*cur, r)[q]);
            if (w2 < 0 || w2 == x.src) continue;
            auto w = static_cast<std::uint32_t>(w2);
            if (x.src == kInit) {
              log_.add("write-hb-init-read", {op(w), op(r)},
                       fmt::format("process {} read the initial value of {} (op {}) although, by what it had read before, {} happened before that read",
                                   h_[h_.pairs()[x.pair].invoke].process, key_name(key(r)), op(r), what(w)),
                       {{"violates", {"CM"}}});
              failed = true;
              break;
            }
            auto w1 = static_cast<std::uint32_t>(x.src);
            if (!have.insert(kp(w, w1)).second) continue;
            if (out.empty()) { out.resize(ev_.size()); in.resize(ev_.size()); }
            out[w].push_back(Extra{w1, r});
            in[w1].push_back(Extra{w, r});
            grew = true;
          }
          if (failed) break;
        }
        if (!grew) break;
      }
      ok &= !failed;
    }
    return ok;
  }
};

class CausalChecker : public Checker {
 public:
  CausalChecker(std::string name, unsigned variants) : name_(std::move(name)), variants_(variants) {}
  std::string name() const override { return name_; }
  std::string description() const override {
    switch (variants_) {
      case kCC: return "causal consistency (CC, Bouajjani et al. 2017) of unique-value registers";
      case kCM: return "causal memory (CM, Bouajjani et al. 2017) of unique-value registers";
      case kCCv: return "causal convergence (CCv, Bouajjani et al. 2017) of unique-value registers";
    }
    return "causal consistency: the CC, CM and CCv variants (Bouajjani et al. 2017) of unique-value registers";
  }
  CheckResult check(const History& h, const CheckOptions&) const override {
    AnomalyLog log;
    CausalAnalysis a(h, log);
    unsigned holds = a.run(variants_);
    CheckResult r;
    log.write(r);
    Json v = Json::object();
    for (auto [bit, n] : {std::pair{kCC, "CC"}, std::pair{kCM, "CM"}, std::pair{kCCv, "CCv"}})
      if (variants_ & bit) v[n] = (holds & bit) != 0;
    r.detail["variants"] = v;
    r.valid = (holds & variants_) == variants_ ? Validity::Valid : Validity::Invalid;
    // Every bad pattern needs a read: with no ok read nothing was judged.
    bool any_read = false;
    for (const OpPair& p : h.pairs()) any_read |= h[p.invoke].f == "read" && h.outcome(p) == OpType::Ok;
    if (!any_read && r.valid == Validity::Valid) nothing_to_judge(r, "no read succeeded");
    return r;
  }

 private:
  std::string name_;
  unsigned variants_;
};

}  // namespace

std::unique_ptr<Checker> make_causal_checker() { return std::make_unique<CausalChecker>("causal", kAllVariants); }
std::unique_ptr<Checker> make_causal_consistency_checker() {
  return std::make_unique<CausalChecker>("causal-consistency", kCC);
}
std::unique_ptr<Checker> make_causal_memory_checker() { return std::make_unique<CausalChecker>("causal-memory", kCM); }
std::unique_ptr<Checker> make_causal_convergence_checker() {
  return std::make_unique<CausalChecker>("causal-convergence", kCCv);
}

}  // namespace fl
