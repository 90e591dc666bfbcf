// Wing & Gong / Lowe search. The history becomes a doubly linked list of call
// and return entries in real-time order; an op may be linearized next when its
// call comes before the first return still in the list. Linearizing lifts its
// entries out (dancing links) and pushes an undo record. At each node the
// children worth trying are listed (see run()); a node with none left is a
// dead end, so the search undoes back to the last node with alternatives.
#include "checkers/linear/search.h"

#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "checkers/linear/config_cache.h"

namespace fl {
namespace {

constexpr std::int32_t kNil = -1;
constexpr std::size_t kTailShown = 8;
constexpr std::size_t kPendingShown = 8;

// One word of state stepped directly by the model (registers, kv, mutex).
// Steps that build values (kv's append concatenates strings) are remembered
// per (state, op class), since the search asks for the same ones again.
class WordStates {
 public:
  WordStates(const Model& m, Partition& p) : m_(m), p_(p), memoize_(!p.register_like) {}
  std::int64_t initial() const { return p_.init.empty() ? 0 : p_.init[0]; }
  bool step(std::int64_t s, std::int32_t cls, std::int64_t& out) {
    if (!memoize_) return m_.step_word(s, p_.classes[static_cast<std::size_t>(cls)], out, p_.values);
    const std::uint64_t key = (static_cast<std::uint64_t>(s) << 32) | static_cast<std::uint32_t>(cls);
    auto it = memo_.find(key);
    if (it == memo_.end()) {
      std::int64_t next = -1;
      if (!m_.step_word(s, p_.classes[static_cast<std::size_t>(cls)], next, p_.values)) next = -1;
      it = memo_.emplace(key, next).first;
    }
    out = it->second;
    return out >= 0;
  }
  std::size_t bytes() const { return memo_.size() * 48; }

 private:
  const Model& m_;
  Partition& p_;
  bool memoize_;
  std::unordered_map<std::uint64_t, std::int64_t> memo_;
};

// Larger states (sets, queues, txn registers) are interned once; a state is
// then its id, and every (state, op class) transition is computed once.
class TableStates {
 public:
  TableStates(const Model& m, Partition& p) : m_(m), p_(p) {}
  std::int64_t initial() { return intern(p_.init); }
  bool step(std::int64_t s, std::int32_t cls, std::int64_t& out) {
    const std::uint64_t key = (static_cast<std::uint64_t>(s) << 32) | static_cast<std::uint32_t>(cls);
    auto it = memo_.find(key);
    if (it == memo_.end()) {
      std::int64_t next = -1;
      if (m_.step(states_[static_cast<std::size_t>(s)], p_.classes[static_cast<std::size_t>(cls)],
                  scratch_, p_.values))
        next = intern(scratch_);
      it = memo_.emplace(key, next).first;
    }
    out = it->second;
    return out >= 0;
  }
  std::size_t bytes() const { return state_words_ * 8 + (ids_.size() + memo_.size()) * 48; }

 private:
  struct StateHash {
    std::size_t operator()(const State& s) const {
      std::uint64_t h = 0x84222325cbf29ce4ull;
      for (std::int64_t x : s) h = (h ^ static_cast<std::uint64_t>(x)) * 0x100000001b3ull;
      return static_cast<std::size_t>(h);
    }
  };
  std::int64_t intern(const State& s) {
    auto it = ids_.find(s);
    if (it != ids_.end()) return it->second;
    const auto id = static_cast<std::int64_t>(states_.size());
    states_.push_back(s);
    state_words_ += s.size() + 4;
    ids_.emplace(s, id);
    return id;
  }
  const Model& m_;
  Partition& p_;
  std::unordered_map<State, std::int64_t, StateHash> ids_;
  std::vector<State> states_;
  std::unordered_map<std::uint64_t, std::int64_t> memo_;
  State scratch_;
  std::size_t state_words_ = 0;
};

// How an op came off the list: chosen at a node with alternatives, forced
// (the node's only child worth trying), or buried (an unknown op treated as
// never having happened).
enum class Move : std::uint8_t { kChosen, kForced, kBuried };

struct Undo {
  std::int32_t op;
  Move move;
  std::int32_t tried;     // kChosen: its place in the node's list of candidates
  std::int64_t state;     // state before
  std::int64_t max_done;  // highest done op before
};

// The search proper. Besides Lowe's cache it uses two reductions, each a
// lemma of the form "if this node (set of linearized ops D, state s) extends
// to a linearization, then one of the children tried does", so each keeps the
// search complete on its own and together with the cache (whose entries are
// facts about (D, s), not about the path).
//
// Forced reads. Let r be callable at the node (every op that returned before r
// was invoked is in D) and read-only (the model never changes the state with
// it), and legal at s. If a linearization L = D-prefix, x1 … xk, r, … exists,
// then so does D-prefix, r, x1 … xk, …: r leaves every state as it is, so
// x1 … xk see the same states; r is legal at s; and moving r earlier breaks
// real time only for an xj that returned before r was invoked, and those are
// all in D. So a legal callable read is linearized at once, with no branch:
// when that child fails, the node fails.
//
// Interchangeable ops. Let a and b be callable, undone, of the same class
// (same function, argument and result, so the model steps them alike), and a
// return no later than b (an op that never returned counts as returning at
// infinity). If a linearization places b before a (or places b and not a,
// when a never returned), swap them: the states are unchanged since a and b
// step alike; a at b's place is fine, since everything that returned before
// a was invoked is in D; b at a's place is fine, since each op y between them
// was placed before a, so y was invoked before a returned, hence before b
// returned. So at a node only the earliest-returning op of each class is
// tried (ties by position). With many concurrent identical ops (a busy
// small-domain register) this turns 2^k orders of k identical pending ops
// into k+1 configurations.
template <class States>
SearchResult run(Partition& p, const Model& model, States& states, const SearchBudget& budget,
                 const SearchTuning& tuning) {
  SearchResult r;
  r.method = "wgl";
  const auto n = static_cast<std::int32_t>(p.ops.size());
  // Entries: call of op i is 2i, return is 2i+1 (ok ops only); head is 2n.
  const std::int32_t head = 2 * n;
  std::vector<std::int32_t> next(static_cast<std::size_t>(2 * n + 1), kNil),
      prev(static_cast<std::size_t>(2 * n + 1), kNil);
  {
    std::vector<std::pair<std::int64_t, std::int32_t>> events;
    events.reserve(static_cast<std::size_t>(2 * n));
    for (std::int32_t i = 0; i < n; ++i) {
      events.emplace_back(p.ops[static_cast<std::size_t>(i)].call, 2 * i);
      if (p.ops[static_cast<std::size_t>(i)].ok()) events.emplace_back(p.ops[static_cast<std::size_t>(i)].ret, 2 * i + 1);
    }
    std::sort(events.begin(), events.end());
    std::int32_t last = head;
    for (const auto& e : events) {
      next[static_cast<std::size_t>(last)] = e.second;
      prev[static_cast<std::size_t>(e.second)] = last;
      last = e.second;
    }
  }
  auto unlink = [&](std::int32_t e) {
    next[static_cast<std::size_t>(prev[static_cast<std::size_t>(e)])] = next[static_cast<std::size_t>(e)];
    if (next[static_cast<std::size_t>(e)] != kNil) prev[static_cast<std::size_t>(next[static_cast<std::size_t>(e)])] = prev[static_cast<std::size_t>(e)];
  };
  auto relink = [&](std::int32_t e) {
    next[static_cast<std::size_t>(prev[static_cast<std::size_t>(e)])] = e;
    if (next[static_cast<std::size_t>(e)] != kNil) prev[static_cast<std::size_t>(next[static_cast<std::size_t>(e)])] = e;
  };
  auto op_of = [](std::int32_t e) { return e >> 1; };
  auto is_call = [](std::int32_t e) { return (e & 1) == 0; };

  // Burying needs register-shaped ops: count, per value, the ops still to be
  // placed that need the state to hold it.
  const bool bury = p.register_like;
  // The same counts prune a step that leaves value v for good: an ok op
  // still needs v and no op that could write v again remains (read-from
  // pruning; with unique writes it forbids every stale order at once).
  std::vector<std::int32_t> observers, ok_observers, producers;
  std::int64_t top = 0;
  if (bury) {
    for (const SearchOp& op : p.ops) top = std::max({top, op.observes + 1, op.produces + 1});
    observers.assign(static_cast<std::size_t>(top), 0);
    ok_observers.assign(static_cast<std::size_t>(top), 0);
    producers.assign(static_cast<std::size_t>(top), 0);
    for (const SearchOp& op : p.ops) {
      if (op.observes >= 0) ++observers[static_cast<std::size_t>(op.observes)];
      if (op.observes >= 0 && op.ok()) ++ok_observers[static_cast<std::size_t>(op.observes)];
      if (op.produces >= 0) ++producers[static_cast<std::size_t>(op.produces)];
    }
  }
  auto count = [&](const SearchOp& op, int d) {
    if (op.observes >= 0) {
      observers[static_cast<std::size_t>(op.observes)] += d;
      if (op.ok()) ok_observers[static_cast<std::size_t>(op.observes)] += d;
    }
    if (op.produces >= 0) producers[static_cast<std::size_t>(op.produces)] += d;
  };
  auto abandons = [&](std::int64_t from, std::int64_t to, const SearchOp& op) {
    if (from == to || from < 0 || from >= top) return false;
    const std::int32_t needed =
        ok_observers[static_cast<std::size_t>(from)] - (op.ok() && op.observes == from ? 1 : 0);
    return needed > 0 && producers[static_cast<std::size_t>(from)] == 0;
  };

  // Per class: read-only (forced when legal), and the op tried for it at the
  // current node (the earliest-returning callable one), valid while its
  // stamp is the node's.
  std::vector<char> read_only(p.classes.size());
  for (std::size_t c = 0; c < p.classes.size(); ++c) read_only[c] = model.read_only(p.classes[c]);
  std::vector<std::int32_t> best(p.classes.size(), kNil);  // its place in `candidates`
  std::vector<std::uint64_t> best_stamp(p.classes.size(), 0);
  std::uint64_t stamp = 0;

  // Reach pruning (Model::can_reach) needs the unlinearized reset op invoked first.
  const bool reach = !bury && model.single_word();
  std::vector<std::int32_t> reset_ops;  // in invocation order
  if (reach)
    for (std::int32_t i = 0; i < n; ++i)
      if (model.resets(p.classes[static_cast<std::size_t>(p.ops[static_cast<std::size_t>(i)].cls)])) reset_ops.push_back(i);
  std::vector<std::uint64_t> done(static_cast<std::size_t>((n + 63) / 64 + 1), 0);
  auto is_done = [&](std::int32_t i) { return (done[static_cast<std::size_t>(i >> 6)] >> (i & 63)) & 1; };
  std::vector<std::uint64_t> zobrist(static_cast<std::size_t>(n));
  for (std::int32_t i = 0; i < n; ++i) zobrist[static_cast<std::size_t>(i)] = mix64(static_cast<std::uint64_t>(i) + 1);
  std::uint64_t done_hash = 0;
  std::int32_t lo = 0;         // every op below lo is done
  std::int64_t max_done = -1;  // highest done op
  auto mark = [&](std::int32_t i) {
    done[static_cast<std::size_t>(i >> 6)] |= 1ull << (i & 63);
    done_hash ^= zobrist[static_cast<std::size_t>(i)];
    max_done = std::max<std::int64_t>(max_done, i);
    if (i == lo) while (lo < n && is_done(lo)) ++lo;
  };
  auto unmark = [&](std::int32_t i) {
    done[static_cast<std::size_t>(i >> 6)] &= ~(1ull << (i & 63));
    done_hash ^= zobrist[static_cast<std::size_t>(i)];
    lo = std::min(lo, i);
  };

  // The done set as the cache's words, given lo (every op below it is done):
  // a bitset of the last kDenseOps ops up to the highest done one, and before
  // that the few undone ops listed one by one. An op that runs long (its
  // client was descheduled while thousands of others came and went) stays
  // undone below the others; a bitset from lo would cost a bit for each of
  // them in every entry. First word: where the bitset starts, and the count.
  constexpr std::int64_t kDenseOps = 256;
  std::vector<std::uint64_t> key;
  auto encode_done = [&] {
    key.clear();
    const std::int64_t last = std::max<std::int64_t>(max_done, lo);
    const std::int64_t lo_word = lo >> 6;
    const std::int64_t base_word = std::max(lo_word, (last - kDenseOps) >> 6);
    key.push_back(0);
    std::uint64_t holes = 0;
    std::uint64_t pending_half = 0;
    for (std::int64_t w = lo_word; w < base_word; ++w)
      for (std::uint64_t open = ~done[static_cast<std::size_t>(w)]; open; open &= open - 1) {
        const auto i = static_cast<std::uint64_t>(w * 64 + __builtin_ctzll(open));
        if (holes++ & 1) key.push_back(pending_half | (i << 32));
        else pending_half = i;
      }
    if (holes & 1) key.push_back(pending_half);
    key[0] = (static_cast<std::uint64_t>(base_word) << 32) | holes;
    key.insert(key.end(), done.begin() + base_word, done.begin() + (last >> 6) + 1);
  };

  // After linearizing op `self` into state s, every op whose return is still
  // listed must come later; each must stay reachable from s unless a reset
  // op could still come before it. The walk looks at the nearest few only.
  auto reachable = [&](std::int64_t s, std::int32_t self) {
    std::int64_t first_reset = kNever;
    for (std::int32_t k : reset_ops)
      if (k != self && !is_done(k)) {
        first_reset = p.ops[static_cast<std::size_t>(k)].call;
        break;
      }
    int budget_left = 256;
    for (std::int32_t e = next[static_cast<std::size_t>(head)]; e != kNil && budget_left-- > 0;
         e = next[static_cast<std::size_t>(e)]) {
      if (is_call(e) || op_of(e) == self) continue;
      const SearchOp& must = p.ops[static_cast<std::size_t>(op_of(e))];
      if (must.ret > first_reset) break;
      if (!model.can_reach(s, p.classes[static_cast<std::size_t>(must.cls)], p.values)) return false;
    }
    return true;
  };

  ConfigCache cache;
  std::vector<Undo> log;
  log.reserve(static_cast<std::size_t>(n));  // at most every op once: it never doubles
  std::int64_t remaining_ok = 0;
  for (const SearchOp& op : p.ops) remaining_ok += op.ok() ? 1 : 0;
  std::int64_t state = states.initial();
  std::int64_t linearized = 0;
  std::size_t accounted = 0;
  std::uint64_t tick = 0;

  // The ops callable at this node are the calls listed before the first
  // return. On arrival at a node: buries the unknown ops nobody can observe
  // any more (an unknown register write no remaining op can observe is as good
  // as never having happened; sound for register-shaped models) and returns a
  // legal read-only op to force, or kNil.
  auto arrive = [&]() -> std::int32_t {
    std::int32_t forced = kNil;
    for (std::int32_t e = next[static_cast<std::size_t>(head)]; e != kNil && is_call(e);) {
      const std::int32_t i = op_of(e);
      const SearchOp& op = p.ops[static_cast<std::size_t>(i)];
      const std::int32_t after = next[static_cast<std::size_t>(e)];
      if (!op.ok() && bury && (op.produces < 0 || observers[static_cast<std::size_t>(op.produces)] == 0)) {
        log.push_back(Undo{i, Move::kBuried, 0, state, max_done});
        count(op, -1);
        mark(i);
        unlink(e);
      } else if (forced == kNil && tuning.forced_reads && read_only[static_cast<std::size_t>(op.cls)]) {
        std::int64_t same = 0;
        if (states.step(state, op.cls, same) && same == state) forced = i;
      }
      e = after;
    }
    return forced;
  };
  // The children worth trying at this node, in the order tried: each class's
  // earliest-returning callable op (or every callable op without that
  // reduction), earliest return first: the op whose return comes first must
  // be placed soonest, and an op whose client stalled (a late return) is kept
  // for when it is needed instead of being placed at its invocation, where
  // invocation order would put it (6-20x less work on busy 50-client runs,
  // bench_linear_busy --ablations by-return). The list is a function of the
  // configuration, so after a child fails it is rebuilt alike and the search
  // goes on with the next one.
  std::vector<std::int32_t> candidates;
  auto list_candidates = [&] {
    candidates.clear();
    ++stamp;
    for (std::int32_t e = next[static_cast<std::size_t>(head)]; e != kNil && is_call(e);
         e = next[static_cast<std::size_t>(e)]) {
      const std::int32_t i = op_of(e);
      const SearchOp& op = p.ops[static_cast<std::size_t>(i)];
      const auto c = static_cast<std::size_t>(op.cls);
      if (!tuning.interchangeable) {
        candidates.push_back(i);
      } else if (best_stamp[c] != stamp) {
        best_stamp[c] = stamp;
        best[c] = static_cast<std::int32_t>(candidates.size());
        candidates.push_back(i);
      } else if (op.ret < p.ops[static_cast<std::size_t>(candidates[static_cast<std::size_t>(best[c])])].ret) {
        candidates[static_cast<std::size_t>(best[c])] = i;  // ties keep the earlier call
      }
    }
    if (tuning.by_return)
      std::sort(candidates.begin(), candidates.end(), [&](std::int32_t a, std::int32_t b) {
        const std::int64_t ra = p.ops[static_cast<std::size_t>(a)].ret, rb = p.ops[static_cast<std::size_t>(b)].ret;
        return ra != rb ? ra < rb : a < b;
      });
    else
      std::sort(candidates.begin(), candidates.end());
  };
  // Linearizes op i next if the model allows it, no pruning forbids it and
  // the configuration is new.
  auto descend = [&](std::int32_t i, Move move, std::int32_t tried) {
    const SearchOp& op = p.ops[static_cast<std::size_t>(i)];
    std::int64_t next_state = 0;
    if (!states.step(state, op.cls, next_state)) return false;
    if (reach && !reachable(next_state, i)) return false;
    if (bury && abandons(state, next_state, op)) return false;
    const std::int64_t old_max = max_done;
    const std::int32_t old_lo = lo;
    mark(i);
    encode_done();
    std::uint64_t h = done_hash ^ mix64(static_cast<std::uint64_t>(next_state) * 0x9E3779B97F4A7C15ull + 7);
    std::int64_t cached_state = next_state;
#if defined(FL_MUTANT_CACHE_IGNORES_STATE)  // planted: Lowe's cache keyed by the done set alone
    h = done_hash, cached_state = 0;
#endif
    if (!cache.insert(h, cached_state, static_cast<std::uint32_t>(lo), key.data(), static_cast<std::uint32_t>(key.size()))) {
      unmark(i);
      lo = old_lo;
      max_done = old_max;
      return false;
    }
    log.push_back(Undo{i, move, tried, state, old_max});
    if (bury) count(op, -1);
    unlink(2 * i);
    if (op.ok()) {
      unlink(2 * i + 1);
      --remaining_ok;
    }
    state = next_state;
    ++linearized;
    return true;
  };
  // Undoes back to (and including) the last op chosen at a node with
  // alternatives, restoring buried and forced ones on the way, and returns
  // where to go on in that node's candidates; -1 when there is no such node
  // (no linearization exists).
  auto backtrack = [&]() -> std::int32_t {
    while (!log.empty()) {
      const Undo u = log.back();
      log.pop_back();
      const SearchOp& uop = p.ops[static_cast<std::size_t>(u.op)];
      state = u.state;
      unmark(u.op);
      max_done = u.max_done;
      if (bury) count(uop, +1);
      if (uop.ok()) {
        relink(2 * u.op + 1);
        ++remaining_ok;
      }
      relink(2 * u.op);
      if (u.move == Move::kBuried) continue;
      --linearized;
      if (u.move == Move::kForced) continue;
      return u.tried + 1;
    }
    return -1;
  };

  auto release_memory = [&] {
    if (budget.memory_in_use) budget.memory_in_use->fetch_sub(accounted);
    accounted = 0;
  };
  // Bytes held now, plus the cache's next growth when the next insert may
  // trigger it, so the limit is never overshot by a doubling.
  auto measure = [&]() -> std::size_t {
    const std::size_t now = cache.bytes() + log.capacity() * sizeof(Undo) + states.bytes();
    r.peak_bytes = std::max(r.peak_bytes, now);
    std::size_t total = now;
    if (budget.memory_in_use) {
      if (now >= accounted) total = budget.memory_in_use->fetch_add(now - accounted) + (now - accounted);
      else total = budget.memory_in_use->fetch_sub(accounted - now) - (accounted - now);
      accounted = now;
    }
    return total + cache.growth_bytes();
  };
  auto out_of_budget = [&]() -> bool {
    if (budget.cancel && budget.cancel->load(std::memory_order_relaxed)) {
      r.reason = "cancelled";
      return true;
    }
    if (std::chrono::steady_clock::now() > budget.deadline) {
      r.reason = "the time limit ran out";
      return true;
    }
    if (cache.size() > budget.max_configurations) {
      r.reason = "first pass";
      return true;
    }
    if (measure() > budget.memory_limit_bytes) {
      r.reason = "the memory limit ran out";
      return true;
    }
    return false;
  };
  auto finish = [&](Validity v) {
    r.valid = v;
    r.configurations = static_cast<std::int64_t>(cache.size());
    if (v != Validity::Unknown) measure();
    release_memory();
    return r;
  };

  // At each node: arrive (bury, force a read), else try the candidates from
  // `from` on; a node with none left fails, and the search backtracks.
  std::int32_t from = -1;  // -1: a node just reached
  while (remaining_ok > 0) {
    if (((++tick & 0xFFF) == 0 || cache.will_grow()) && out_of_budget()) return finish(Validity::Unknown);
    if (from < 0) {
      const std::int32_t forced = arrive();
      if (forced != kNil) {
        if (descend(forced, Move::kForced, 0)) continue;
        if ((from = backtrack()) < 0) return finish(Validity::Invalid);
        list_candidates();
        continue;
      }
      from = 0;
      list_candidates();
    }
    bool descended = false;
    for (auto k = static_cast<std::size_t>(from); k < candidates.size(); ++k)
      if (descend(candidates[k], Move::kChosen, static_cast<std::int32_t>(k))) {
        descended = true;
        break;
      }
    if (descended) {
      from = -1;
      continue;
    }
    // No child: the op of the first return listed cannot be linearized in time.
    if (linearized > r.prefix_length || r.blocked < 0) {
      std::int32_t e = next[static_cast<std::size_t>(head)];
      r.pending.clear();
      for (; e != kNil && is_call(e); e = next[static_cast<std::size_t>(e)])
        if (r.pending.size() < kPendingShown) r.pending.push_back(op_of(e));
      r.prefix_length = linearized;
      r.blocked = e == kNil ? -1 : op_of(e);
      r.prefix_tail.clear();
      for (auto it = log.rbegin(); it != log.rend() && r.prefix_tail.size() < kTailShown; ++it)
        if (it->move != Move::kBuried) r.prefix_tail.push_back(it->op);
      std::reverse(r.prefix_tail.begin(), r.prefix_tail.end());
    }
    if ((from = backtrack()) < 0) return finish(Validity::Invalid);
    list_candidates();
  }
  r.prefix_length = linearized;
  return finish(Validity::Valid);
}

}  // namespace

SearchResult search_linearization(Partition& p, const Model& model, const SearchBudget& budget,
                                  const SearchTuning& tuning) {
  if (model.single_word()) {
    WordStates states(model, p);
    return run(p, model, states, budget, tuning);
  }
  TableStates states(model, p);
  return run(p, model, states, budget, tuning);
}

}  // namespace fl
