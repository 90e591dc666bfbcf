// Seeded simulators of a set store, of a broadcast (or g-set) cluster and of
// a (pn-)counter under faults, for the tests of the set, broadcast and
// counter checkers' online forms: well-formed
// Histories with info and failed adds, adds of an element added before, reads
// that lag, lose, invent or repeat elements (counters: reads that lag during
// the run and final reads that may be off), nemesis faults, histories without
// times, and runs that end with ops still open.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "history/history.h"

namespace fl::sim {

inline bool sim_chance(std::mt19937_64& rng, double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; }

// A history op by op: clients (a crashed one — info — never invokes again),
// nemesis events, times (or none), nodes.
struct OpsBuilder {
  std::vector<Op> ops;
  bool times = true;
  void push(std::int64_t process, OpType t, const std::string& f, Json v, std::string node = "") {
    Op o;
    o.process = process;
    o.type = t;
    o.f = f;
    o.value = std::move(v);
    o.node = std::move(node);
    o.line = static_cast<std::int64_t>(ops.size()) + 1;
    o.time = times ? o.line * 1000000 + static_cast<std::int64_t>(ops.size() % 7) * 1000 : -1;
    ops.push_back(std::move(o));
  }
  History done(const std::string& name) { return History(std::move(ops), name); }
};

// A set store under faults: adds (now and then of an element added before),
// reads that lag, lose, invent or repeat elements, faults that lose elements;
// some runs end with ops still open.
inline History set_history(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const int workers = 2 + static_cast<int>(seed % 5);
  const int total = 10 + static_cast<int>(rng() % 150);
  const double lose = seed % 3 == 0 ? 0.3 : 0, invent = seed % 4 == 0 ? 0.05 : 0, repeat = seed % 5 == 0 ? 0.05 : 0;
  const double info = seed % 6 == 0 ? 0.15 : 0.03, fail = seed % 8 == 0 ? 0.15 : 0.03;
  const bool nemesis = seed % 2 == 0, unfinished = seed % 3 == 1, reads_fail = seed % 50 == 0;
  OpsBuilder b;
  b.times = seed % 7 != 0;
  std::vector<std::int64_t> pid(workers);
  for (int w = 0; w < workers; ++w) pid[w] = w;
  std::int64_t next_pid = workers, next_value = 1;
  struct Slot { bool busy = false; std::string f; Json arg; };
  std::vector<Slot> slots(workers);
  std::vector<std::int64_t> present, added;
  int invoked = 0, busy = 0;
  bool faulting = false;
  while (invoked < total || busy > 0) {
    if (invoked >= total && unfinished && sim_chance(rng, 0.2)) break;
    if (nemesis && sim_chance(rng, 0.04)) {
      if (faulting) {
        b.push(kNemesis, OpType::Info, "stop-partition", nullptr);
      } else {
        bool power = sim_chance(rng, 0.5);
        b.push(kNemesis, OpType::Info, power ? "start-lose-unfsynced" : "start-partition", Json{{"nodes", {"n1"}}});
        if (power)
          present.erase(std::remove_if(present.begin(), present.end(),
                                       [&](std::int64_t) { return sim_chance(rng, lose); }),
                        present.end());
      }
      faulting = !faulting;
    }
    const int w = static_cast<int>(rng() % workers);
    Slot& s = slots[w];
    if (!s.busy) {
      if (invoked >= total) continue;
      if (sim_chance(rng, 0.55)) {
        s.f = "add";
        s.arg = !added.empty() && sim_chance(rng, 0.08) ? added[rng() % added.size()] : next_value++;
        added.push_back(s.arg.get<std::int64_t>());
      } else {
        s.f = "read";
        s.arg = nullptr;
      }
      b.push(pid[w], OpType::Invoke, s.f, s.arg);
      s.busy = true;
      ++busy;
      ++invoked;
      continue;
    }
    const double x = std::uniform_real_distribution<double>(0, 1)(rng);
    OpType t = x < info ? OpType::Info : x < info + fail ? OpType::Fail : OpType::Ok;
    if (reads_fail && s.f == "read" && t == OpType::Ok) t = OpType::Fail;  // nothing to judge
    Json result = s.arg;
    if (s.f == "add") {
      const std::int64_t v = s.arg.get<std::int64_t>();
      const bool applied = t == OpType::Ok || (t == OpType::Info && sim_chance(rng, 0.5)) ||
                           (t == OpType::Fail && sim_chance(rng, 0.1));  // a failed add that happened after all
      if (applied && std::find(present.begin(), present.end(), v) == present.end()) present.push_back(v);
    } else if (t == OpType::Ok) {
      const bool lags = sim_chance(rng, 0.3);
      result = Json::array();
      for (std::int64_t v : present) {
        if (lags && sim_chance(rng, 0.3)) continue;
        result.push_back(v);
        if (sim_chance(rng, repeat)) result.push_back(v);
      }
      // An element never added, or one not added yet (an add of it may come later).
      if (sim_chance(rng, invent))
        result.push_back(sim_chance(rng, 0.5) ? 100000 + static_cast<std::int64_t>(rng() % 5) : next_value + 1);
      if (sim_chance(rng, 0.2)) std::shuffle(result.begin(), result.end(), rng);
    } else {
      result = nullptr;
    }
    b.push(pid[w], t, s.f, result);
    if (t == OpType::Info) pid[w] = next_pid++;
    s.busy = false;
    --busy;
  }
  return b.done("set-sim-" + std::to_string(seed) + ".jsonl");
}

// A (pn-)counter on three nodes: reads lag during the run, the final reads
// after the last fault may be off; some runs end with ops still open, some
// read a value that is no integer.
inline History counter_history(std::uint64_t seed, bool negatives) {
  std::mt19937_64 rng(seed);
  const int workers = 2 + static_cast<int>(seed % 4);
  const int total = 5 + static_cast<int>(rng() % 100);
  const bool unfinished = seed % 3 == 1, wrong = seed % 4 == 0, nemesis = seed % 2 == 0;
  OpsBuilder b;
  b.times = seed % 5 != 0;
  std::vector<std::int64_t> pid(workers);
  for (int w = 0; w < workers; ++w) pid[w] = w;
  std::int64_t next_pid = workers, sum = 0;
  auto node = [&](int w) { return "n" + std::to_string(1 + w % 3); };
  struct Slot { bool busy = false; std::string f; Json arg; };
  std::vector<Slot> slots(workers);
  int invoked = 0, busy = 0;
  bool faulting = false;
  auto step = [&](int w, bool reads_only) {
    Slot& s = slots[w];
    if (!s.busy) {
      s.f = reads_only || sim_chance(rng, 0.5) ? "read" : "add";
      const std::int64_t n = negatives ? static_cast<std::int64_t>(rng() % 11) - 5 : static_cast<std::int64_t>(rng() % 6);
      s.arg = s.f == "add" ? Json(n) : Json();
      b.push(pid[w], OpType::Invoke, s.f, s.arg, node(w));
      s.busy = true;
      ++busy;
      return;
    }
    const double x = std::uniform_real_distribution<double>(0, 1)(rng);
    OpType t = x < 0.05 ? OpType::Info : x < 0.1 ? OpType::Fail : OpType::Ok;
    Json result = s.arg;
    if (s.f == "add") {
      if (t == OpType::Ok || (t == OpType::Info && sim_chance(rng, 0.5))) sum += s.arg.get<std::int64_t>();
    } else if (t == OpType::Ok) {
      std::int64_t v = sum - (sim_chance(rng, 0.3) ? static_cast<std::int64_t>(rng() % 4) : 0);
      if (wrong && sim_chance(rng, 0.2)) v += 1 + static_cast<std::int64_t>(rng() % 3);
      result = seed % 29 == 0 && sim_chance(rng, 0.1) ? Json("many") : Json(v);
    } else {
      result = nullptr;
    }
    b.push(pid[w], t, s.f, result, sim_chance(rng, 0.2) ? "" : node(w));
    if (t == OpType::Info) pid[w] = next_pid++;
    s.busy = false;
    --busy;
  };
  while (invoked < total) {
    if (nemesis && sim_chance(rng, 0.05)) {
      b.push(kNemesis, OpType::Info, faulting ? "stop-partition" : "start-partition", nullptr);
      faulting = !faulting;
    }
    const int w = static_cast<int>(rng() % workers);
    if (!slots[w].busy) ++invoked;
    step(w, false);
  }
  while (busy > 0) {
    const int w = static_cast<int>(rng() % workers);
    if (slots[w].busy) step(w, false);
  }
  if (faulting || sim_chance(rng, 0.5)) b.push(kNemesis, OpType::Info, "stop-partition", nullptr);
  // The final reads, one or two a node; perhaps cut short.
  for (int i = 0, n = static_cast<int>(rng() % (2 * workers + 1)); i < n; ++i) {
    const int w = static_cast<int>(rng() % workers);
    step(w, true);
    if (unfinished && sim_chance(rng, 0.2)) break;
  }
  for (int w = 0; w < workers && !unfinished; ++w)
    if (slots[w].busy) step(w, true);
  return b.done((negatives ? "pn-counter-sim-" : "g-counter-sim-") + std::to_string(seed) + ".jsonl");
}

// A broadcast (or g-set) cluster of one to five nodes: broadcasts to a
// worker's node (ok, info, failed — some failed ones happened after all),
// gossip that partitions hold back, reads that lag, repeat values or return
// one never broadcast (or not yet, or only by failed ops); a final heal, the
// cluster converging with some values planted lost on some nodes, and final
// reads on the nodes — some runs with none, some cut short with ops still
// open, some with a broadcast after them. A few histories hold an op the
// checker cannot interpret (an unknown f, a read that returns no list).
inline History broadcast_history(std::uint64_t seed) {
  std::mt19937_64 rng(seed * 7919 + 13);
  const int nodes = 1 + static_cast<int>(seed % 5), workers = 2 + static_cast<int>(seed % 4);
  const int total = 10 + static_cast<int>(rng() % 120);
  const double info = seed % 6 == 0 ? 0.15 : 0.04, fail = seed % 8 == 0 ? 0.15 : 0.04;
  const double lose = seed % 3 == 0 ? 0.2 : 0, invent = seed % 4 == 0 ? 0.06 : 0, repeat = seed % 5 == 0 ? 0.05 : 0;
  const bool nemesis = seed % 2 == 0, unfinished = seed % 7 == 1, no_finals = seed % 11 == 0;
  const bool late_add = seed % 13 == 0, bad_read = seed % 97 == 5, bad_f = seed % 89 == 7;
  OpsBuilder b;
  b.times = seed % 9 != 0;
  auto node_of = [&](int w) { return "n" + std::to_string(1 + w % nodes); };
  std::vector<std::vector<std::int64_t>> held(static_cast<std::size_t>(nodes));
  auto has = [](const std::vector<std::int64_t>& xs, std::int64_t v) { return std::find(xs.begin(), xs.end(), v) != xs.end(); };
  std::vector<std::int64_t> pid(workers), failed;
  for (int w = 0; w < workers; ++w) pid[w] = w;
  std::int64_t next_pid = workers, next_value = 1;
  struct Slot { bool busy = false; std::string f; Json arg; };
  std::vector<Slot> slots(workers);
  int busy = 0;
  bool partitioned = false;
  auto gossip = [&] {
    if (nodes < 2 || partitioned) return;
    auto& from = held[rng() % nodes];
    auto& to = held[rng() % nodes];
    if (from.empty()) return;
    const std::int64_t v = from[rng() % from.size()];
    if (!has(to, v)) to.push_back(v);
  };
  auto step = [&](int w, bool reads_only) {
    Slot& s = slots[w];
    const std::string node = node_of(w);
    if (!s.busy) {
      s.f = reads_only || sim_chance(rng, 0.4) ? "read" : "add";
      if (bad_f && sim_chance(rng, 0.02)) s.f = "cas";
      s.arg = s.f == "read" ? Json() : Json(next_value++);
      b.push(pid[w], OpType::Invoke, s.f, s.arg, node);
      s.busy = true;
      ++busy;
      return;
    }
    const double x = std::uniform_real_distribution<double>(0, 1)(rng);
    const OpType t = x < info ? OpType::Info : x < info + fail ? OpType::Fail : OpType::Ok;
    Json result = s.arg;
    auto& mine = held[w % nodes];
    if (s.f == "add") {
      const std::int64_t v = s.arg.get<std::int64_t>();
      if (t == OpType::Fail) failed.push_back(v);
      if (t == OpType::Ok || (t == OpType::Info && sim_chance(rng, 0.5)) || (t == OpType::Fail && sim_chance(rng, 0.1)))
        if (!has(mine, v)) mine.push_back(v);
    } else if (t == OpType::Ok) {
      result = Json::array();
      const bool lags = sim_chance(rng, 0.3);
      for (std::int64_t v : mine) {
        if (lags && sim_chance(rng, 0.3)) continue;
        result.push_back(v);
        if (sim_chance(rng, repeat)) result.push_back(v);
      }
      if (sim_chance(rng, invent)) {
        const double y = std::uniform_real_distribution<double>(0, 1)(rng);
        result.push_back(y < 0.4 ? Json(100000 + static_cast<std::int64_t>(rng() % 5))
                         : y < 0.7 || failed.empty() ? Json(next_value + static_cast<std::int64_t>(rng() % 3))
                                                     : Json(failed[rng() % failed.size()]));
      }
      if (sim_chance(rng, 0.2)) std::shuffle(result.begin(), result.end(), rng);
      if (bad_read && sim_chance(rng, 0.1)) result = Json{{"value", 1}};
    } else {
      result = nullptr;
    }
    // Now and then the completion names no node: the invocation's counts.
    b.push(pid[w], t, s.f, result, sim_chance(rng, 0.15) ? "" : node);
    if (t == OpType::Info) pid[w] = next_pid++;
    s.busy = false;
    --busy;
  };
  for (int invoked = 0; invoked < total;) {
    if (nemesis && sim_chance(rng, 0.05)) {
      b.push(kNemesis, OpType::Info, partitioned ? "stop-partition" : "start-partition",
             partitioned ? Json() : Json{{"n1", Json::array({"n2"})}});
      partitioned = !partitioned;
    }
    if (sim_chance(rng, 0.5)) gossip();
    const int w = static_cast<int>(rng() % workers);
    if (!slots[w].busy) ++invoked;
    step(w, false);
  }
  while (busy > 0) {
    const int w = static_cast<int>(rng() % workers);
    if (slots[w].busy) step(w, false);
  }
  if (partitioned || (nemesis && sim_chance(rng, 0.5))) b.push(kNemesis, OpType::Info, "stop-partition", nullptr);
  partitioned = false;
  // The cluster converges, but for what a faulty one lost on a node.
  std::vector<std::int64_t> all;
  for (const auto& xs : held)
    for (std::int64_t v : xs)
      if (!has(all, v)) all.push_back(v);
  for (auto& xs : held) {
    xs.clear();
    for (std::int64_t v : all)
      if (!sim_chance(rng, lose)) xs.push_back(v);
  }
  if (!no_finals) {
    for (int k = 0, n = nodes + static_cast<int>(rng() % 3); k < n; ++k) {
      const int w = static_cast<int>(rng() % workers);
      step(w, true);
      if (unfinished && sim_chance(rng, 0.3)) break;
    }
    for (int w = 0; w < workers && !unfinished; ++w)
      if (slots[w].busy) step(w, true);
  }
  if (late_add) {
    const int w = static_cast<int>(rng() % workers);
    if (!slots[w].busy) {
      slots[w].f = "add";
      b.push(pid[w], OpType::Invoke, "add", next_value++, node_of(w));
      b.push(pid[w], OpType::Ok, "add", next_value - 1, node_of(w));
    }
  }
  return b.done("broadcast-sim-" + std::to_string(seed) + ".jsonl");
}

// Counts, for a test's tally of the cases it met, whether the history has an
// add that failed and one that ended info.
inline void count_add_outcomes(const History& h, std::map<std::string, int>& seen) {
  bool failed_add = false, info_add = false;
  for (const OpPair& p : h.pairs())
    if (h[p.invoke].f == "add") {
      failed_add = failed_add || h.outcome(p) == OpType::Fail;
      info_add = info_add || h.outcome(p) == OpType::Info;
    }
  seen["failed add"] += failed_add;
  seen["info add"] += info_add;
}

}  // namespace fl::sim
