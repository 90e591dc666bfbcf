// Seeded simulators of weakly consistent stores, for the checkers' property
// tests and benchmarks. Each returns a well-formed History (JSONL semantics:
// invoke/complete pairs, info retires a process, unique written values).
//  - sc_*: one global state; a read returns a snapshot at or after its
//    session's last write/read snapshot, so histories are sequentially
//    consistent (and satisfy every session guarantee) but not linearizable.
//  - causal_registers: replicas with causal delivery (vector clocks). With
//    `convergent`, last-writer-wins by (Lamport, replica): causal convergence
//    (CCv, hence CC) holds — CM need not, LWW may order two writes against
//    what a process has seen. Without it, a replica keeps the last write it
//    applied: Ahamad et al.'s causal memory (CM, hence CC), replicas may
//    diverge. With `bug`, reads go to a random replica instead of the
//    session's own, which breaks causality and the session guarantees.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "history/history.h"

namespace fl::sim {

struct SimOptions {
  std::uint64_t seed = 1;
  int processes = 5;     // concurrent workers
  int keys = 3;
  int ops = 200;         // operations (invocations) in total
  int replicas = 3;      // causal simulator only
  double info_rate = 0.02, fail_rate = 0.02;
  bool convergent = true;  // causal simulator: LWW (CCv) or apply order (CM)
  bool bug = false;
};

class Recorder {
 public:
  explicit Recorder(int workers) : pid_(workers) {
    for (int w = 0; w < workers; ++w) pid_[w] = w;
    next_pid_ = workers;
  }
  void invoke(int w, const std::string& f, Json value, int key) { push(pid_[w], OpType::Invoke, f, std::move(value), key); }
  void complete(int w, OpType t, const std::string& f, Json value, int key) {
    push(pid_[w], t, f, std::move(value), key);
    if (t == OpType::Info) pid_[w] = next_pid_++;  // Jepsen: a crashed client never invokes again
  }
  std::int64_t now() const { return static_cast<std::int64_t>(ops_.size()); }
  History done(const std::string& name) { return History(std::move(ops_), name); }

 private:
  void push(std::int64_t p, OpType t, const std::string& f, Json v, int key) {
    Op op;
    op.time = now() * 1000;
    op.process = p;
    op.type = t;
    op.f = f;
    op.value = std::move(v);
    op.key = Json("k" + std::to_string(key));
    ops_.push_back(std::move(op));
  }
  std::vector<std::int64_t> pid_;
  std::int64_t next_pid_;
  std::vector<Op> ops_;
};

// Drives `workers` clients: each step picks one; an idle one invokes, a busy
// one completes. Sim supplies begin(w) -> (f, key, arg) and end(w, ...) -> (type, result).
template <class Begin, class End>
History drive(const SimOptions& o, std::mt19937_64& rng, const std::string& name, Begin begin, End end) {
  Recorder rec(o.processes);
  struct Slot { bool busy = false; std::string f; int key = 0; Json arg; };
  std::vector<Slot> slots(o.processes);
  int invoked = 0, busy = 0;
  while (invoked < o.ops || busy > 0) {
    int w = static_cast<int>(rng() % o.processes);
    Slot& s = slots[w];
    if (!s.busy) {
      if (invoked >= o.ops) continue;
      begin(w, s.f, s.key, s.arg);
      rec.invoke(w, s.f, s.arg, s.key);
      s.busy = true; ++busy; ++invoked;
    } else {
      Json result;
      OpType t = end(w, s.f, s.key, s.arg, result);
      rec.complete(w, t, s.f, result, s.key);
      s.busy = false; --busy;
    }
  }
  return rec.done(name);
}

inline OpType pick_outcome(const SimOptions& o, std::mt19937_64& rng, bool may_fail) {
  double x = std::uniform_real_distribution<double>(0, 1)(rng);
  if (x < o.info_rate) return OpType::Info;
  if (may_fail && x < o.info_rate + o.fail_rate) return OpType::Fail;
  return OpType::Ok;
}

// Sequentially consistent list-append (appends only grow lists, so the state
// of a key at global time t is the prefix of appends made up to t).
inline History sc_list_append(const SimOptions& o) {
  std::mt19937_64 rng(o.seed);
  std::vector<std::vector<std::int64_t>> values(o.keys), times(o.keys);
  std::vector<std::int64_t> low(o.processes, 0);  // session's earliest allowed snapshot
  std::int64_t clock = 0, next_value = 1;
  auto begin = [&](int w, std::string& f, int& key, Json& arg) {
    key = static_cast<int>(rng() % o.keys);
    if (rng() % 2) { f = "append"; arg = next_value++; }
    else { f = "read"; arg = nullptr; }
  };
  auto end = [&](int w, const std::string& f, int key, const Json& arg, Json& result) {
    ++clock;
    if (f == "append") {
      OpType t = pick_outcome(o, rng, true);
      bool applied = t == OpType::Ok || (t == OpType::Info && rng() % 2);
      if (applied) { values[key].push_back(arg.get<std::int64_t>()); times[key].push_back(clock); low[w] = clock; }
      if (t == OpType::Info) low[w] = 0;
      result = arg;
      return t;
    }
    OpType t = pick_outcome(o, rng, false);
    if (t == OpType::Info) { low[w] = 0; result = nullptr; return t; }
    std::int64_t snap = low[w] + static_cast<std::int64_t>(rng() % (clock - low[w] + 1));
    low[w] = snap;
    std::size_t n = std::upper_bound(times[key].begin(), times[key].end(), snap) - times[key].begin();
    result = std::vector<std::int64_t>(values[key].begin(), values[key].begin() + n);
    return t;
  };
  return drive(o, rng, "sc-list-append-" + std::to_string(o.seed), begin, end);
}

// Sequentially consistent registers with unique written values.
inline History sc_registers(const SimOptions& o) {
  std::mt19937_64 rng(o.seed);
  std::vector<std::vector<std::int64_t>> values(o.keys), times(o.keys);
  std::vector<std::int64_t> low(o.processes, 0);
  std::int64_t clock = 0, next_value = 1;
  auto begin = [&](int w, std::string& f, int& key, Json& arg) {
    key = static_cast<int>(rng() % o.keys);
    if (rng() % 2) { f = "write"; arg = next_value++; }
    else { f = "read"; arg = nullptr; }
  };
  auto end = [&](int w, const std::string& f, int key, const Json& arg, Json& result) {
    ++clock;
    if (f == "write") {
      OpType t = pick_outcome(o, rng, true);
      bool applied = t == OpType::Ok || (t == OpType::Info && rng() % 2);
      if (applied) { values[key].push_back(arg.get<std::int64_t>()); times[key].push_back(clock); low[w] = clock; }
      if (t == OpType::Info) low[w] = 0;
      result = arg;
      return t;
    }
    OpType t = pick_outcome(o, rng, false);
    if (t == OpType::Info) { low[w] = 0; result = nullptr; return t; }
    std::int64_t snap = low[w] + static_cast<std::int64_t>(rng() % (clock - low[w] + 1));
    low[w] = snap;
    std::size_t n = std::upper_bound(times[key].begin(), times[key].end(), snap) - times[key].begin();
    result = n ? Json(values[key][n - 1]) : Json();
    return t;
  };
  return drive(o, rng, "sc-registers-" + std::to_string(o.seed), begin, end);
}

// Causally consistent registers: LWW by (Lamport, replica) with causal delivery.
inline History causal_registers(const SimOptions& o) {
  std::mt19937_64 rng(o.seed);
  const int R = o.replicas;
  struct Cell { std::int64_t value = 0, lamport = 0; int replica = -1; };
  struct Message { int origin; std::int64_t seq; std::vector<std::int64_t> deps; int key; std::int64_t value, lamport; };
  struct Replica {
    std::vector<Cell> cells;
    std::vector<std::int64_t> vc;
    std::int64_t lamport = 0;
    std::vector<std::deque<Message>> inbox;  // per origin, in send order
  };
  std::vector<Replica> reps(R);
  for (auto& r : reps) { r.cells.resize(o.keys); r.vc.assign(R, 0); r.inbox.resize(R); }
  auto apply = [&](Replica& r, int key, std::int64_t value, std::int64_t lamport, int origin) {
    Cell& c = r.cells[key];
    if (!o.convergent || lamport > c.lamport || (lamport == c.lamport && origin > c.replica)) c = Cell{value, lamport, origin};
    r.lamport = std::max(r.lamport, lamport);
  };
  auto deliver_some = [&]() {
    int j = static_cast<int>(rng() % R), from = static_cast<int>(rng() % R);
    Replica& r = reps[j];
    auto& q = r.inbox[from];
    if (q.empty()) return;
    const Message& m = q.front();
    for (int k = 0; k < R; ++k)
      if (k != m.origin && m.deps[k] > r.vc[k]) return;  // a cause has not arrived yet
    apply(r, m.key, m.value, m.lamport, m.origin);
    r.vc[m.origin] = m.seq;
    q.pop_front();
  };
  std::int64_t next_value = 1;
  auto home = [&](int w) { return w % R; };
  auto begin = [&](int w, std::string& f, int& key, Json& arg) {
    for (int i = 0, n = static_cast<int>(rng() % 4); i < n; ++i) deliver_some();
    key = static_cast<int>(rng() % o.keys);
    if (rng() % 2) { f = "write"; arg = next_value++; }
    else { f = "read"; arg = nullptr; }
  };
  auto end = [&](int w, const std::string& f, int key, const Json& arg, Json& result) {
    for (int i = 0, n = static_cast<int>(rng() % 4); i < n; ++i) deliver_some();
    if (f == "write") {
      OpType t = pick_outcome(o, rng, true);
      bool applied = t == OpType::Ok || (t == OpType::Info && rng() % 2);
      if (applied) {
        int i = home(w);
        Replica& r = reps[i];
        std::int64_t lamport = r.lamport + 1;
        apply(r, key, arg.get<std::int64_t>(), lamport, i);
        r.vc[i] += 1;
        Message m{i, r.vc[i], r.vc, key, arg.get<std::int64_t>(), lamport};
        for (int j = 0; j < R; ++j)
          if (j != i) reps[j].inbox[i].push_back(m);
      }
      result = arg;
      return t;
    }
    OpType t = pick_outcome(o, rng, false);
    if (t == OpType::Info) { result = nullptr; return t; }
    int i = o.bug ? static_cast<int>(rng() % R) : home(w);
    const Cell& c = reps[i].cells[key];
    result = c.replica < 0 ? Json() : Json(c.value);
    return t;
  };
  return drive(o, rng, "causal-registers-" + std::to_string(o.seed), begin, end);
}

}  // namespace fl::sim
