// Wing & Gong / Lowe search. The history becomes a doubly linked list of call
// and return entries in real-time order; an op may be linearized next when its
// call comes before the first return still in the list. Linearizing lifts its
// entries out (dancing links) and pushes an undo record; reaching a return
// entry means the current prefix is a dead end, so the last record is undone.
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

struct Undo {
  std::int32_t op;
  bool buried;            // lifted out as never happening, not linearized
  std::int64_t state;     // state before
  std::int64_t max_done;  // highest done op before
};

template <class States>
SearchResult run(Partition& p, const Model& model, States& states, const SearchBudget& budget) {
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
  // Identical unknown ops are interchangeable once both are invoked: try the earliest.
  std::vector<std::int32_t> twin(static_cast<std::size_t>(n), kNil);
  {
    std::unordered_map<std::int32_t, std::int32_t> last_of_class;
    for (std::int32_t i = 0; i < n; ++i) {
      const SearchOp& op = p.ops[static_cast<std::size_t>(i)];
      if (op.ok()) continue;
      auto it = last_of_class.find(op.cls);
      if (it != last_of_class.end()) twin[static_cast<std::size_t>(i)] = it->second;
      last_of_class[op.cls] = i;
    }
  }

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
  std::int64_t remaining_ok = 0;
  for (const SearchOp& op : p.ops) remaining_ok += op.ok() ? 1 : 0;
  std::int64_t state = states.initial();
  std::int64_t linearized = 0;
  std::int32_t entry = next[static_cast<std::size_t>(head)];
  std::size_t accounted = 0;
  std::uint64_t tick = 0;

  auto release_memory = [&] {
    if (budget.memory_in_use) budget.memory_in_use->fetch_sub(accounted);
    accounted = 0;
  };
  auto measure = [&]() -> std::size_t {
    const std::size_t now = cache.bytes() + log.capacity() * sizeof(Undo) + states.bytes();
    r.peak_bytes = std::max(r.peak_bytes, now);
    std::size_t total = now;
    if (budget.memory_in_use) {
      if (now >= accounted) total = budget.memory_in_use->fetch_add(now - accounted) + (now - accounted);
      else total = budget.memory_in_use->fetch_sub(accounted - now) - (accounted - now);
      accounted = now;
    }
    return total;
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

  while (remaining_ok > 0) {
    if ((++tick & 0xFFF) == 0 && out_of_budget()) {
      r.valid = Validity::Unknown;
      r.configurations = static_cast<std::int64_t>(cache.size());
      release_memory();
      return r;
    }
    const std::int32_t i = op_of(entry);
    const SearchOp& op = p.ops[static_cast<std::size_t>(i)];
    if (is_call(entry)) {
      const std::int32_t after = next[static_cast<std::size_t>(entry)];
      if (!op.ok()) {
        // An unknown register write no remaining op can observe is as good as
        // never having happened: bury it (sound for register-shaped models).
        if (bury && (op.produces < 0 || observers[static_cast<std::size_t>(op.produces)] == 0)) {
          log.push_back(Undo{i, true, state, max_done});
          count(op, -1);
          mark(i);
          unlink(entry);
          entry = after;
          continue;
        }
        const std::int32_t t = twin[static_cast<std::size_t>(i)];
        if (t != kNil && !is_done(t)) {
          entry = after;
          continue;
        }
      }
      std::int64_t next_state = 0;
      if (states.step(state, op.cls, next_state) &&
          (!reach || reachable(next_state, i)) && !(bury && abandons(state, next_state, op))) {
        const std::int64_t old_max = max_done;
        const std::int32_t old_lo = lo;
        mark(i);
        const std::uint32_t w0 = static_cast<std::uint32_t>(lo >> 6);
        const std::uint32_t w1 = static_cast<std::uint32_t>(std::max<std::int64_t>(max_done, lo) >> 6);
        const std::uint64_t h = done_hash ^ mix64(static_cast<std::uint64_t>(next_state) * 0x9E3779B97F4A7C15ull + 7);
        if (cache.insert(h, next_state, static_cast<std::uint32_t>(lo), &done[w0], w1 - w0 + 1)) {
          log.push_back(Undo{i, false, state, old_max});
          if (bury) count(op, -1);
          unlink(entry);
          if (op.ok()) {
            unlink(entry + 1);
            --remaining_ok;
          }
          state = next_state;
          ++linearized;
          entry = next[static_cast<std::size_t>(head)];
          continue;
        }
        unmark(i);
        lo = old_lo;
        max_done = old_max;
      }
      entry = after;
      continue;
    }
    // A return entry: op i must have been linearized by now, and was not.
    if (linearized > r.prefix_length || r.blocked < 0) {
      r.prefix_length = linearized;
      r.blocked = i;
      r.prefix_tail.clear();
      for (auto it = log.rbegin(); it != log.rend() && r.prefix_tail.size() < kTailShown; ++it)
        if (!it->buried) r.prefix_tail.push_back(it->op);
      std::reverse(r.prefix_tail.begin(), r.prefix_tail.end());
      r.pending.clear();
      for (std::int32_t e = next[static_cast<std::size_t>(head)]; e != entry && r.pending.size() < kPendingShown;
           e = next[static_cast<std::size_t>(e)])
        if (is_call(e)) r.pending.push_back(op_of(e));
    }
    // Undo back to (and including) the last linearized op, restoring buried ones.
    bool undone = false;
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
      if (!u.buried) {
        --linearized;
        entry = next[static_cast<std::size_t>(2 * u.op)];
        undone = true;
        break;
      }
    }
    if (!undone) {
      r.valid = Validity::Invalid;
      r.configurations = static_cast<std::int64_t>(cache.size());
      measure();
      release_memory();
      return r;
    }
  }
  r.valid = Validity::Valid;
  r.configurations = static_cast<std::int64_t>(cache.size());
  r.prefix_length = linearized;
  measure();
  release_memory();
  return r;
}

}  // namespace

SearchResult search_linearization(Partition& p, const Model& model, const SearchBudget& budget) {
  if (model.single_word()) {
    WordStates states(model, p);
    return run(p, model, states, budget);
  }
  TableStates states(model, p);
  return run(p, model, states, budget);
}

}  // namespace fl
