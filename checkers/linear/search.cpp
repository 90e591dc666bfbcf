// Wing & Gong / Lowe search. The history becomes a doubly linked list of call
// and return entries in real-time order; an op may be linearized next when its
// call comes before the first return still in the list. Linearizing lifts its
// entries out (dancing links) and pushes an undo record. At each node the
// children worth trying are listed (Search::list_candidates); a node with none
// left is a dead end, so the search undoes back to the last node with
// alternatives.
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
//
// One Search runs once over one Partition; its methods are the steps of the
// walk (arrive, list the candidates, descend, backtrack) and the bookkeeping
// they share: the entry list, the done set, the value counts and the budget.
template <class States>
class Search {
 public:
  Search(Partition& p, const Model& model, States& states, const SearchBudget& budget, const SearchTuning& tuning)
      : p_(p), model_(model), states_(states), budget_(budget), tuning_(tuning),
        n_(static_cast<std::int32_t>(p.ops.size())), head_(2 * n_), bury_(p.register_like),
        reach_(!bury_ && model.single_word()) {
    r_.method = "wgl";
    link_entries();
    if (bury_) count_values();
    read_only_.resize(p_.classes.size());
    for (std::size_t c = 0; c < p_.classes.size(); ++c) read_only_[c] = model_.read_only(p_.classes[c]);
    best_.assign(p_.classes.size(), kNil);
    best_stamp_.assign(p_.classes.size(), 0);
    if (reach_)
      for (std::int32_t i = 0; i < n_; ++i)
        if (model_.resets(p_.classes[static_cast<std::size_t>(op(i).cls)])) reset_ops_.push_back(i);
    done_.assign(static_cast<std::size_t>((n_ + 63) / 64 + 1), 0);
    zobrist_.resize(static_cast<std::size_t>(n_));
    for (std::int32_t i = 0; i < n_; ++i) zobrist_[static_cast<std::size_t>(i)] = mix64(static_cast<std::uint64_t>(i) + 1);
    log_.reserve(static_cast<std::size_t>(n_));  // at most every op once: it never doubles
    for (const SearchOp& o : p_.ops) remaining_ok_ += o.ok() ? 1 : 0;
    state_ = states_.initial();
  }

  // At each node: arrive (bury, force a read), else try the candidates from
  // `from` on; a node with none left fails, and the search backtracks.
  SearchResult run() {
    std::int32_t from = -1;  // -1: a node just reached
    while (remaining_ok_ > 0) {
      if (((++tick_ & 0xFFF) == 0 || cache_.will_grow()) && out_of_budget()) return finish(Validity::Unknown);
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
      for (auto k = static_cast<std::size_t>(from); k < candidates_.size(); ++k)
        if (descend(candidates_[k], Move::kChosen, static_cast<std::int32_t>(k))) {
          descended = true;
          break;
        }
      if (descended) {
        from = -1;
        continue;
      }
      note_dead_end();
      if ((from = backtrack()) < 0) return finish(Validity::Invalid);
      list_candidates();
    }
    r_.prefix_length = linearized_;
    return finish(Validity::Valid);
  }

 private:
  const SearchOp& op(std::int32_t i) const { return p_.ops[static_cast<std::size_t>(i)]; }

  // --- The entry list: call of op i is 2i, return is 2i+1 (ok ops only);
  // head is 2n. Linearizing an op lifts its entries out, undoing relinks them.
  static std::int32_t op_of(std::int32_t e) { return e >> 1; }
  static bool is_call(std::int32_t e) { return (e & 1) == 0; }
  std::int32_t& next(std::int32_t e) { return next_[static_cast<std::size_t>(e)]; }
  std::int32_t& prev(std::int32_t e) { return prev_[static_cast<std::size_t>(e)]; }
  void link_entries() {
    next_.assign(static_cast<std::size_t>(2 * n_ + 1), kNil);
    prev_.assign(static_cast<std::size_t>(2 * n_ + 1), kNil);
    std::vector<std::pair<std::int64_t, std::int32_t>> events;
    events.reserve(static_cast<std::size_t>(2 * n_));
    for (std::int32_t i = 0; i < n_; ++i) {
      events.emplace_back(op(i).call, 2 * i);
      if (op(i).ok()) events.emplace_back(op(i).ret, 2 * i + 1);
    }
    std::sort(events.begin(), events.end());
    std::int32_t last = head_;
    for (const auto& e : events) {
      next(last) = e.second;
      prev(e.second) = last;
      last = e.second;
    }
  }
  void unlink(std::int32_t e) {
    next(prev(e)) = next(e);
    if (next(e) != kNil) prev(next(e)) = prev(e);
  }
  void relink(std::int32_t e) {
    next(prev(e)) = e;
    if (next(e) != kNil) prev(next(e)) = e;
  }

  // --- Value counts (register-shaped ops only): per value, the ops still to
  // be placed that need the state to hold it, and those that could write it.
  // They bury unknown writes nobody can observe, and prune a step that leaves
  // value v for good while an ok op still needs v and no op could write v
  // again (read-from pruning; with unique writes it forbids every stale order
  // at once).
  void count_values() {
    // Counted from the lowest value on, so a stretch of a long history
    // (cut.h) counts only the values it holds.
    low_value_ = INT64_MAX;
    for (const SearchOp& o : p_.ops) {
      top_ = std::max({top_, o.observes + 1, o.produces + 1});
      for (std::int64_t v : {o.observes, o.produces})
        if (v >= 0) low_value_ = std::min(low_value_, v);
    }
    if (low_value_ > top_) low_value_ = top_;
    observers_.assign(static_cast<std::size_t>(top_ - low_value_), 0);
    ok_observers_.assign(static_cast<std::size_t>(top_ - low_value_), 0);
    producers_.assign(static_cast<std::size_t>(top_ - low_value_), 0);
    for (const SearchOp& o : p_.ops) count(o, +1);
  }
  void count(const SearchOp& o, int d) {
    if (o.observes >= 0) {
      observers_[static_cast<std::size_t>(o.observes - low_value_)] += d;
      if (o.ok()) ok_observers_[static_cast<std::size_t>(o.observes - low_value_)] += d;
    }
    if (o.produces >= 0) producers_[static_cast<std::size_t>(o.produces - low_value_)] += d;
  }
  bool abandons(std::int64_t from, std::int64_t to, const SearchOp& o) const {
    if (from == to || from < low_value_ || from >= top_) return false;
    const std::int32_t needed =
        ok_observers_[static_cast<std::size_t>(from - low_value_)] - (o.ok() && o.observes == from ? 1 : 0);
    return needed > 0 && producers_[static_cast<std::size_t>(from - low_value_)] == 0;
  }

  // --- Reach pruning (Model::can_reach). After linearizing op `self` into
  // state s, every op whose return is still listed must come later; each must
  // stay reachable from s unless a reset op (the unlinearized one invoked
  // first) could still come before it. The walk looks at the nearest few only.
  bool reachable(std::int64_t s, std::int32_t self) {
    std::int64_t first_reset = kNever;
    for (std::int32_t k : reset_ops_)
      if (k != self && !is_done(k)) {
        first_reset = op(k).call;
        break;
      }
    int budget_left = 256;
    for (std::int32_t e = next(head_); e != kNil && budget_left-- > 0; e = next(e)) {
      if (is_call(e) || op_of(e) == self) continue;
      const SearchOp& must = op(op_of(e));
      if (must.ret > first_reset) break;
      if (!model_.can_reach(s, p_.classes[static_cast<std::size_t>(must.cls)], p_.values)) return false;
    }
    return true;
  }

  // --- The done set: a bitset, its Zobrist hash, lo (every op below it is
  // done) and the highest done op.
  bool is_done(std::int32_t i) const { return (done_[static_cast<std::size_t>(i >> 6)] >> (i & 63)) & 1; }
  void mark(std::int32_t i) {
    done_[static_cast<std::size_t>(i >> 6)] |= 1ull << (i & 63);
    done_hash_ ^= zobrist_[static_cast<std::size_t>(i)];
    max_done_ = std::max<std::int64_t>(max_done_, i);
    if (i == lo_)
      while (lo_ < n_ && is_done(lo_)) ++lo_;
  }
  void unmark(std::int32_t i) {
    done_[static_cast<std::size_t>(i >> 6)] &= ~(1ull << (i & 63));
    done_hash_ ^= zobrist_[static_cast<std::size_t>(i)];
    lo_ = std::min(lo_, i);
  }
  // The done set as the cache's words, given lo: a bitset of the last
  // kDenseOps ops up to the highest done one, and before that the few undone
  // ops listed one by one. An op that runs long (its client was descheduled
  // while thousands of others came and went) stays undone below the others; a
  // bitset from lo would cost a bit for each of them in every entry. First
  // word: where the bitset starts, and the count.
  void encode_done() {
    constexpr std::int64_t kDenseOps = 256;
    key_.clear();
    const std::int64_t last = std::max<std::int64_t>(max_done_, lo_);
    const std::int64_t lo_word = lo_ >> 6;
    const std::int64_t base_word = std::max(lo_word, (last - kDenseOps) >> 6);
    key_.push_back(0);
    std::uint64_t holes = 0;
    std::uint64_t pending_half = 0;
    for (std::int64_t w = lo_word; w < base_word; ++w)
      for (std::uint64_t open = ~done_[static_cast<std::size_t>(w)]; open; open &= open - 1) {
        const auto i = static_cast<std::uint64_t>(w * 64 + __builtin_ctzll(open));
        if (holes++ & 1) key_.push_back(pending_half | (i << 32));
        else pending_half = i;
      }
    if (holes & 1) key_.push_back(pending_half);
    key_[0] = (static_cast<std::uint64_t>(base_word) << 32) | holes;
    key_.insert(key_.end(), done_.begin() + base_word, done_.begin() + (last >> 6) + 1);
  }

  // --- The steps of the walk.
  // The ops callable at this node are the calls listed before the first
  // return. On arrival at a node: buries the unknown ops nobody can observe
  // any more (an unknown register write no remaining op can observe is as good
  // as never having happened; sound for register-shaped models) and returns a
  // legal read-only op to force, or kNil.
  std::int32_t arrive() {
    std::int32_t forced = kNil;
    for (std::int32_t e = next(head_); e != kNil && is_call(e);) {
      const std::int32_t i = op_of(e);
      const SearchOp& o = op(i);
      const std::int32_t after = next(e);
      if (!o.ok() && bury_ && (o.produces < 0 || observers_[static_cast<std::size_t>(o.produces - low_value_)] == 0)) {
        log_.push_back(Undo{i, Move::kBuried, 0, state_, max_done_});
        count(o, -1);
        mark(i);
        unlink(e);
      } else if (forced == kNil && tuning_.forced_reads && read_only_[static_cast<std::size_t>(o.cls)]) {
        std::int64_t same = 0;
        if (states_.step(state_, o.cls, same) && same == state_) forced = i;
      }
      e = after;
    }
    return forced;
  }
  // The children worth trying at this node, in the order tried: each class's
  // earliest-returning callable op (or every callable op without that
  // reduction), earliest return first: the op whose return comes first must
  // be placed soonest, and an op whose client stalled (a late return) is kept
  // for when it is needed instead of being placed at its invocation, where
  // invocation order would put it (6-20x less work on busy 50-client runs,
  // bench_linear_busy --ablations by-return). The list is a function of the
  // configuration, so after a child fails it is rebuilt alike and the search
  // goes on with the next one.
  void list_candidates() {
    candidates_.clear();
    ++stamp_;
    for (std::int32_t e = next(head_); e != kNil && is_call(e); e = next(e)) {
      const std::int32_t i = op_of(e);
      const SearchOp& o = op(i);
      const auto c = static_cast<std::size_t>(o.cls);
      if (!tuning_.interchangeable) {
        candidates_.push_back(i);
      } else if (best_stamp_[c] != stamp_) {
        best_stamp_[c] = stamp_;
        best_[c] = static_cast<std::int32_t>(candidates_.size());
        candidates_.push_back(i);
      } else if (o.ret < op(candidates_[static_cast<std::size_t>(best_[c])]).ret) {
        candidates_[static_cast<std::size_t>(best_[c])] = i;  // ties keep the earlier call
      }
    }
    if (tuning_.by_return)
      std::sort(candidates_.begin(), candidates_.end(), [&](std::int32_t a, std::int32_t b) {
        const std::int64_t ra = op(a).ret, rb = op(b).ret;
        return ra != rb ? ra < rb : a < b;
      });
    else
      std::sort(candidates_.begin(), candidates_.end());
  }
  // Linearizes op i next if the model allows it, no pruning forbids it and
  // the configuration is new.
  bool descend(std::int32_t i, Move move, std::int32_t tried) {
    const SearchOp& o = op(i);
    std::int64_t next_state = 0;
    if (!states_.step(state_, o.cls, next_state)) return false;
    if (reach_ && !reachable(next_state, i)) return false;
    if (bury_ && abandons(state_, next_state, o)) return false;
    const std::int64_t old_max = max_done_;
    const std::int32_t old_lo = lo_;
    mark(i);
    encode_done();
    std::uint64_t h = done_hash_ ^ mix64(static_cast<std::uint64_t>(next_state) * 0x9E3779B97F4A7C15ull + 7);
    std::int64_t cached_state = next_state;
#if defined(FL_MUTANT_CACHE_IGNORES_STATE)  // planted: Lowe's cache keyed by the done set alone
    h = done_hash_, cached_state = 0;
#endif
    if (!cache_.insert(h, cached_state, static_cast<std::uint32_t>(lo_), key_.data(),
                       static_cast<std::uint32_t>(key_.size()))) {
      unmark(i);
      lo_ = old_lo;
      max_done_ = old_max;
      return false;
    }
    log_.push_back(Undo{i, move, tried, state_, old_max});
    if (bury_) count(o, -1);
    unlink(2 * i);
    if (o.ok()) {
      unlink(2 * i + 1);
      --remaining_ok_;
    }
    state_ = next_state;
    ++linearized_;
    return true;
  }
  // Undoes back to (and including) the last op chosen at a node with
  // alternatives, restoring buried and forced ones on the way, and returns
  // where to go on in that node's candidates; -1 when there is no such node
  // (no linearization exists).
  std::int32_t backtrack() {
    while (!log_.empty()) {
      const Undo u = log_.back();
      log_.pop_back();
      const SearchOp& uop = op(u.op);
      state_ = u.state;
      unmark(u.op);
      max_done_ = u.max_done;
      if (bury_) count(uop, +1);
      if (uop.ok()) {
        relink(2 * u.op + 1);
        ++remaining_ok_;
      }
      relink(2 * u.op);
      if (u.move == Move::kBuried) continue;
      --linearized_;
      if (u.move == Move::kForced) continue;
      return u.tried + 1;
    }
    return -1;
  }
  // A node with no child: the op of the first return listed cannot be
  // linearized in time. The longest prefix so far is the counterexample.
  void note_dead_end() {
    if (linearized_ <= r_.prefix_length && r_.blocked >= 0) return;
    std::int32_t e = next(head_);
    r_.pending.clear();
    for (; e != kNil && is_call(e); e = next(e))
      if (r_.pending.size() < kPendingShown) r_.pending.push_back(op_of(e));
    r_.prefix_length = linearized_;
    r_.blocked = e == kNil ? -1 : op_of(e);
    r_.prefix_tail.clear();
    for (auto it = log_.rbegin(); it != log_.rend() && r_.prefix_tail.size() < kTailShown; ++it)
      if (it->move != Move::kBuried) r_.prefix_tail.push_back(it->op);
    std::reverse(r_.prefix_tail.begin(), r_.prefix_tail.end());
  }

  // --- The budget: time, memory (shared with concurrent searches), cancel.
  void release_memory() {
    if (budget_.memory_in_use) budget_.memory_in_use->fetch_sub(accounted_);
    accounted_ = 0;
  }
  // Bytes held now, plus the cache's next growth when the next insert may
  // trigger it, so the limit is never overshot by a doubling.
  std::size_t measure() {
    const std::size_t now = cache_.bytes() + log_.capacity() * sizeof(Undo) + states_.bytes();
    r_.peak_bytes = std::max(r_.peak_bytes, now);
    std::size_t total = now;
    if (budget_.memory_in_use) {
      if (now >= accounted_) total = budget_.memory_in_use->fetch_add(now - accounted_) + (now - accounted_);
      else total = budget_.memory_in_use->fetch_sub(accounted_ - now) - (accounted_ - now);
      accounted_ = now;
    }
    return total + cache_.growth_bytes();
  }
  bool out_of_budget() {
    if (budget_.cancel && budget_.cancel->load(std::memory_order_relaxed)) {
      r_.reason = "cancelled";
      return true;
    }
    if (std::chrono::steady_clock::now() > budget_.deadline) {
      r_.reason = "the time limit ran out";
      return true;
    }
    if (cache_.size() > budget_.max_configurations) {
      r_.reason = "first pass";
      return true;
    }
    if (measure() > budget_.memory_limit_bytes) {
      r_.reason = "the memory limit ran out";
      return true;
    }
    return false;
  }
  SearchResult finish(Validity v) {
    r_.valid = v;
    r_.configurations = static_cast<std::int64_t>(cache_.size());
    if (v != Validity::Unknown) measure();
    release_memory();
    return r_;
  }

  Partition& p_;
  const Model& model_;
  States& states_;
  const SearchBudget& budget_;
  const SearchTuning& tuning_;
  const std::int32_t n_;
  const std::int32_t head_;
  const bool bury_;   // burying and read-from pruning need register-shaped ops
  const bool reach_;  // reach pruning needs a single-word model without them
  SearchResult r_;

  std::vector<std::int32_t> next_, prev_;  // the entry list
  std::vector<std::int32_t> observers_, ok_observers_, producers_;  // value counts (bury_)
  std::int64_t low_value_ = 0, top_ = 0;   // values counted: low_value_ … top_-1
  // Per class: read-only (forced when legal), and the op tried for it at the
  // current node (the earliest-returning callable one), valid while its
  // stamp is the node's.
  std::vector<char> read_only_;
  std::vector<std::int32_t> best_;  // its place in candidates_
  std::vector<std::uint64_t> best_stamp_;
  std::uint64_t stamp_ = 0;
  std::vector<std::int32_t> reset_ops_;  // in invocation order (reach_)

  std::vector<std::uint64_t> done_;
  std::vector<std::uint64_t> zobrist_;
  std::uint64_t done_hash_ = 0;
  std::int32_t lo_ = 0;          // every op below lo_ is done
  std::int64_t max_done_ = -1;   // highest done op
  std::vector<std::uint64_t> key_;  // encode_done()'s words

  ConfigCache cache_;
  std::vector<Undo> log_;
  std::vector<std::int32_t> candidates_;
  std::int64_t remaining_ok_ = 0;
  std::int64_t state_ = 0;
  std::int64_t linearized_ = 0;
  std::size_t accounted_ = 0;
  std::uint64_t tick_ = 0;
};

}  // namespace

SearchResult witnessed_invalid(const char* method, const std::vector<std::int32_t>& witnesses,
                               std::int32_t blocked, std::string why) {
  SearchResult r;
  r.valid = Validity::Invalid;
  r.method = method;
  for (std::int32_t w : witnesses)
    if (w >= 0 && std::find(r.prefix_tail.begin(), r.prefix_tail.end(), w) == r.prefix_tail.end())
      r.prefix_tail.push_back(w);
  r.prefix_length = static_cast<std::int64_t>(r.prefix_tail.size());
  r.blocked = blocked;
  r.explanation = std::move(why);
  return r;
}

SearchResult search_linearization(Partition& p, const Model& model, const SearchBudget& budget,
                                  const SearchTuning& tuning) {
  if (model.single_word()) {
    WordStates states(model, p);
    return Search<WordStates>(p, model, states, budget, tuning).run();
  }
  TableStates states(model, p);
  return Search<TableStates>(p, model, states, budget, tuning).run();
}

}  // namespace fl
