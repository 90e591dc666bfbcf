// A seeded simulator of a strictly serializable list-append store, for the
// transactional checkers' tests and benchmark. `processes` clients each run
// one transaction at a time (invocations and completions interleave at
// random); a transaction takes effect atomically when it completes, so the
// history is strictly serializable. Keys rotate as in Elle's generator: a
// pool of `active_keys` keys, each retired for a fresh one after
// `max_writes_per_key` appends, so reads stay short.
// `plant` adds, at evenly spaced points, small groups of transactions on
// keys of their own that show exactly one anomaly of a class (G0, G1a, …),
// each the textbook history of that anomaly.
// With a sink, the ops go to it one by one as they are made (index = their
// position) instead of into a History: the same ops, for histories too long
// to hold.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "history/history.h"

namespace fl::sim {

enum class Plant {
  G0, G1a, G1b, G1c, GSingleItem, G2Item, LostUpdate, Internal, DuplicateElements, IncompatibleOrder,
  DirtyUpdate, FutureRead
};

// The anomaly type the checker must report for a plant.
inline const char* plant_anomaly(Plant p) {
  switch (p) {
    case Plant::G0: return "G0";
    case Plant::G1a: return "G1a";
    case Plant::G1b: return "G1b";
    case Plant::G1c: return "G1c";
    case Plant::GSingleItem: return "G-single-item";
    case Plant::G2Item: return "G2-item";
    case Plant::LostUpdate: return "lost-update";
    case Plant::Internal: return "internal";
    case Plant::DuplicateElements: return "duplicate-elements";
    case Plant::IncompatibleOrder: return "incompatible-order";
    case Plant::DirtyUpdate: return "dirty-update";
    case Plant::FutureRead: return "future-read";
  }
  return "?";
}

inline std::vector<Plant> all_plants() {
  return {Plant::G0,     Plant::G1a,      Plant::G1b,      Plant::G1c,
          Plant::GSingleItem, Plant::G2Item, Plant::LostUpdate, Plant::Internal,
          Plant::DuplicateElements, Plant::IncompatibleOrder, Plant::DirtyUpdate, Plant::FutureRead};
}

struct TxnSimOptions {
  std::uint64_t seed = 1;
  std::int64_t txns = 10000;
  int processes = 10;
  int active_keys = 10;
  int max_writes_per_key = 32;
  int min_mops = 2, max_mops = 6;  // ~4 micro-ops a transaction
  std::vector<Plant> plants;       // one group each, spread over the history
};

class TxnSim {
 public:
  explicit TxnSim(const TxnSimOptions& o, std::function<void(const Op&)> sink = {})
      : o_(o), rng_(o.seed), sink_(std::move(sink)) {}

  History run() {
    for (int k = 0; k < o_.active_keys; ++k) active_.push_back(fresh_key());
    std::vector<Json> busy(o_.processes);  // the invoked txn of each process (null: idle)
    std::vector<std::int64_t> pid(o_.processes);
    for (int p = 0; p < o_.processes; ++p) pid[p] = next_pid_++;
    std::int64_t invoked = 0, completed = 0, planted = 0;
    std::uniform_int_distribution<int> any(0, o_.processes - 1);
    while (completed < o_.txns) {
      std::int64_t due = o_.plants.empty() ? 0
                                           : (completed + 1) * static_cast<std::int64_t>(o_.plants.size()) / o_.txns;
      if (planted < static_cast<std::int64_t>(o_.plants.size()) && planted < due) plant(o_.plants[planted++]);
      int p = any(rng_);
      if (busy[p].is_null()) {
        if (invoked >= o_.txns) continue;
        busy[p] = new_txn();
        push(pid[p], OpType::Invoke, busy[p]);
        ++invoked;
      } else {
        push(pid[p], OpType::Ok, execute(busy[p]));
        busy[p] = Json();
        ++completed;
      }
    }
    while (planted < static_cast<std::int64_t>(o_.plants.size())) plant(o_.plants[planted++]);
    return History(std::move(ops_), "txn-sim");
  }

 private:
  std::int64_t fresh_key() { return next_key_++; }

  Json new_txn() {
    int len = std::uniform_int_distribution<int>(o_.min_mops, o_.max_mops)(rng_);
    Json txn = Json::array();
    std::uniform_int_distribution<int> pick(0, o_.active_keys - 1);
    for (int i = 0; i < len; ++i) {
      int slot = pick(rng_);
      std::int64_t k = active_[slot];
      if (std::bernoulli_distribution(0.5)(rng_)) {
        txn.push_back(Json::array({"r", k, nullptr}));
      } else {
        txn.push_back(Json::array({"append", k, next_value_++}));
        // Retire the key once it has had its share of appends (counted at
        // invocation, so every list stays short).
        if (++appends_[k] >= o_.max_writes_per_key) active_[slot] = fresh_key();
      }
    }
    return txn;
  }

  // Applies the txn atomically: reads see the current lists (with this
  // txn's own earlier appends).
  Json execute(const Json& txn) {
    Json done = Json::array();
    for (const Json& m : txn) {
      std::int64_t k = m[1].get<std::int64_t>();
      if (m[0] == "append") {
        lists_[k].push_back(m[2].get<std::int64_t>());
        done.push_back(m);
      } else {
        auto it = lists_.find(k);
        done.push_back(Json::array({"r", k, it == lists_.end() ? Json::array() : Json(it->second)}));
      }
    }
    return done;
  }

  void push(std::int64_t process, OpType type, Json value) {
    Op op;
    op.time = (sink_ ? written_ : static_cast<std::int64_t>(ops_.size())) * 1000;
    op.process = process;
    op.type = type;
    op.f = "txn";
    op.value = std::move(value);
    if (sink_) {
      op.index = written_++;
      sink_(op);
      return;
    }
    ops_.push_back(std::move(op));
  }

  // A group: txns that run concurrently (all invoked, then all completed),
  // then readers that run after them. Values are given completed.
  struct G {
    std::vector<std::pair<Json, OpType>> concurrent, after;
  };
  static Json invocation(const Json& done) {
    Json inv = Json::array();
    for (const Json& m : done) inv.push_back(m[0] == "r" ? Json::array({"r", m[1], nullptr}) : m);
    return inv;
  }
  void run_group(const G& g) {
    std::vector<std::int64_t> pids;
    for (std::size_t i = 0; i < g.concurrent.size(); ++i) {
      pids.push_back(next_pid_++);
      push(pids.back(), OpType::Invoke, invocation(g.concurrent[i].first));
    }
    for (std::size_t i = 0; i < g.concurrent.size(); ++i)
      push(pids[i], g.concurrent[i].second, g.concurrent[i].first);
    for (const auto& [txn, type] : g.after) {
      std::int64_t p = next_pid_++;
      push(p, OpType::Invoke, invocation(txn));
      push(p, type, txn);
    }
  }

  void plant(Plant what) {
    std::int64_t x = fresh_key(), y = fresh_key();
    auto a = [&](std::int64_t k, std::int64_t v) { return Json::array({"append", k, v}); };
    auto r = [&](std::int64_t k, std::vector<std::int64_t> l) { return Json::array({"r", k, Json(l)}); };
    std::int64_t v1 = next_value_++, v2 = next_value_++, v3 = next_value_++, v4 = next_value_++;
    const OpType ok = OpType::Ok, fail = OpType::Fail;
    G g;
    switch (what) {
      case Plant::G0:  // two txns append to x and y in opposite orders
        g.concurrent = {{Json::array({a(x, v1), a(y, v2)}), ok}, {Json::array({a(x, v3), a(y, v4)}), ok}};
        g.after = {{Json::array({r(x, {v1, v3}), r(y, {v4, v2})}), ok}};
        break;
      case Plant::G1a:  // a read of a failed append
        g.concurrent = {{Json::array({a(x, v1)}), fail}};
        g.after = {{Json::array({r(x, {v1})}), ok}};
        break;
      case Plant::G1b:  // a read of the middle of another txn's appends
        g.concurrent = {{Json::array({a(x, v1), a(x, v2)}), ok}};
        g.after = {{Json::array({r(x, {v1})}), ok}, {Json::array({r(x, {v1, v2})}), ok}};
        break;
      case Plant::G1c:  // each txn sees the other's write
        g.concurrent = {{Json::array({a(x, v1), r(y, {v2})}), ok}, {Json::array({a(x, v3), a(y, v2)}), ok}};
        g.after = {{Json::array({r(x, {v1, v3})}), ok}};
        break;
      case Plant::GSingleItem:  // read skew: sees T1's x but not its y
        g.concurrent = {{Json::array({a(x, v1), a(y, v2)}), ok}, {Json::array({r(x, {v1}), r(y, {})}), ok}};
        g.after = {{Json::array({r(x, {v1}), r(y, {v2})}), ok}};
        break;
      case Plant::G2Item:  // write skew
        g.concurrent = {{Json::array({r(x, {}), a(y, v1)}), ok}, {Json::array({r(y, {}), a(x, v2)}), ok}};
        g.after = {{Json::array({r(x, {v2}), r(y, {v1})}), ok}};
        break;
      case Plant::LostUpdate:  // both read [v1] and append
        g.after = {{Json::array({a(x, v1)}), ok}};
        run_group(g);
        g = G{};
        g.concurrent = {{Json::array({r(x, {v1}), a(x, v2)}), ok}, {Json::array({r(x, {v1}), a(x, v3)}), ok}};
        g.after = {{Json::array({r(x, {v1, v2, v3})}), ok}};
        break;
      case Plant::Internal:  // a txn does not see its own append
        g.after = {{Json::array({a(x, v1)}), ok}, {Json::array({r(x, {v1}), a(x, v2), r(x, {v1})}), ok},
                   {Json::array({r(x, {v1, v2})}), ok}};
        break;
      case Plant::DuplicateElements:
        g.after = {{Json::array({a(x, v1)}), ok}, {Json::array({r(x, {v1, v1})}), ok}};
        break;
      case Plant::IncompatibleOrder:
        g.concurrent = {{Json::array({a(x, v1)}), ok}, {Json::array({a(x, v2)}), ok}};
        g.after = {{Json::array({r(x, {v1, v2})}), ok}, {Json::array({r(x, {v2, v1})}), ok}};
        break;
      case Plant::DirtyUpdate:  // a committed append on top of a failed one
        g.after = {{Json::array({a(x, v1)}), fail}, {Json::array({a(x, v2)}), ok}, {Json::array({r(x, {v1, v2})}), ok}};
        break;
      case Plant::FutureRead:  // reads its own later append
        g.after = {{Json::array({r(x, {v1}), a(x, v1)}), ok}, {Json::array({r(x, {v1})}), ok}};
        break;
    }
    run_group(g);
  }

  TxnSimOptions o_;
  std::mt19937_64 rng_;
  std::vector<Op> ops_;
  std::vector<std::int64_t> active_;
  std::map<std::int64_t, std::vector<std::int64_t>> lists_;
  std::map<std::int64_t, int> appends_;
  std::int64_t next_key_ = 0, next_value_ = 1, next_pid_ = 0;
  std::function<void(const Op&)> sink_;
  std::int64_t written_ = 0;
};

inline History simulate_list_append(const TxnSimOptions& o) { return TxnSim(o).run(); }
// The same ops, given to `sink` one at a time (nothing of them is kept).
inline void simulate_list_append(const TxnSimOptions& o, std::function<void(const Op&)> sink) {
  TxnSim(o, std::move(sink)).run();
}

}  // namespace fl::sim
