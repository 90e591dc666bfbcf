// A simulated run of the kv workload, op by op, for benchmarks and tests of
// the kv linearizability check: `clients` client slots issue reads, writes
// and cas (values 0 … 4) on a sliding window of `keys` consecutive keys that
// advances every ops_per_key / keys invocations (as workloads/kv.cpp), so
// each key gets about ops_per_key ops and is then retired. Each op takes
// effect on a real register at one instant between its invocation and its
// completion, with other clients' events interleaved (concurrency as in a
// real run); a cas whose old value does not match fails (cas-mismatch); one
// op in `info_every` times out (info: it took effect or not, and its process
// is retired for a fresh one, Jepsen's rule); one in 200 fails unapplied.
// So the history is linearizable, unless `stale_at` > 0: the first read
// invoked at or after that event index after a change of its key whose op
// had completed returns the value from before the change (planted; not
// linearizable unless a write concurrent with the read put it back).
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "history/op.h"

namespace fl::bench {

struct KvSimOptions {
  int clients = 20;
  std::int64_t keys = 8;
  std::int64_t ops_per_key = 400;
  std::int64_t info_every = 300;
  std::int64_t stale_at = 0;  // 0: no planted anomaly
  unsigned seed = 12345;
};

class KvSim {
 public:
  explicit KvSim(KvSimOptions o) : o_(o), seed_(o.seed), slots_(static_cast<std::size_t>(o.clients)) {
    for (int i = 0; i < o_.clients; ++i) slots_[static_cast<std::size_t>(i)].process = i;
  }

  // The next event; `stop` asks for no more invocations (the open ops then
  // complete). False when nothing is left.
  bool next(Op& out, bool stop) {
    for (;;) {
      bool busy = false;
      for (const Slot& s : slots_) busy |= s.phase != Phase::Idle;
      if (stop && !busy) return false;
      Slot& s = slots_[rnd() % slots_.size()];
      if (s.phase == Phase::Idle) {
        if (stop) continue;
        return invoke(s, out), true;
      }
      if (s.phase == Phase::Invoked) {
        take_effect(s);
        continue;
      }
      return complete(s, out), true;
    }
  }

 private:
  enum class Phase { Idle, Invoked, Done };
  struct Slot {
    std::int64_t process = 0;
    Phase phase = Phase::Idle;
    Op inv;
    OpType outcome = OpType::Ok;
    Json result;
    std::string error;
  };

  unsigned rnd() { return seed_ = seed_ * 1103515245u + 12345u, (seed_ >> 16) & 0x7fff; }

  void invoke(Slot& s, Op& out) {
    const std::int64_t step = std::max<std::int64_t>(1, o_.ops_per_key / o_.keys);
    const std::int64_t first = invocations_++ / step;
    Op inv;
    inv.process = s.process;
    inv.time = t_ += 1000 + rnd() % 100000;
    const int kind = static_cast<int>(rnd() % 3);
    inv.f = kind == 0 ? "read" : kind == 1 ? "write" : "cas";
    if (kind == 1) inv.value = rnd() % 5;
    if (kind == 2) inv.value = Json::array({rnd() % 5, rnd() % 5});
    inv.key = first + static_cast<std::int64_t>(rnd() % static_cast<unsigned>(o_.keys));
    inv.index = index_++;
    if (first > forgotten_ + 64) {  // keys long retired
      for (auto it = values_.begin(); it != values_.end();)
        it = it->first < first - 32 ? values_.erase(it) : std::next(it);
      for (auto it = changes_.begin(); it != changes_.end();)
        it = it->first < first - 32 ? changes_.erase(it) : std::next(it);
      forgotten_ = first;
    }
    s.inv = inv;
    s.phase = Phase::Invoked;
    out = std::move(inv);
  }

  // The op takes effect (or not) now.
  void take_effect(Slot& s) {
    const std::int64_t key = s.inv.key->get<std::int64_t>();
    auto it = values_.find(key);
    Json cur = it == values_.end() ? Json() : it->second;
    s.outcome = OpType::Ok;
    s.error.clear();
    s.result = Json();
    const bool timeout = o_.info_every > 0 && rnd() % static_cast<unsigned>(o_.info_every) == 0;
    const bool unavailable = !timeout && rnd() % 200 == 0;
    const bool applies = timeout ? rnd() % 2 == 0 : !unavailable;
    if (unavailable) {
      s.outcome = OpType::Fail;
      s.error = "unavailable";
    } else if (s.inv.f == "read") {
      s.result = cur;
      // Planted: the value before a change whose op completed before this
      // read began.
      auto c = changes_.find(key);
      if (o_.stale_at > 0 && !planted_ && !timeout && s.inv.index >= o_.stale_at && c != changes_.end() &&
          c->second.done_at >= 0 && c->second.done_at < s.inv.index && c->second.before != cur) {
        s.result = c->second.before;
        planted_ = true;
      }
    } else if (s.inv.f == "write") {
      if (applies) set(s, key, s.inv.value, cur);
    } else {
      if (cur != s.inv.value[0]) {
        if (!timeout) {
          s.outcome = OpType::Fail;
          s.error = "cas-mismatch";
        }
      } else if (applies) {
        set(s, key, s.inv.value[1], cur);
      }
    }
    if (timeout) {
      s.outcome = OpType::Info;
      s.error = "timeout";
    }
    s.phase = Phase::Done;
  }

  void set(Slot& s, std::int64_t key, const Json& v, const Json& old) {
    if (old != v) changes_[key] = Change{old, &s, -1};
    values_[key] = v;
  }

  void complete(Slot& s, Op& out) {
    Op done = s.inv;
    done.type = s.outcome;
    done.time = t_ += 500 + rnd() % 100000;
    done.index = index_++;
    done.node = "n" + std::to_string(1 + s.process % 5);
    done.error = s.error;
    if (done.f == "read") done.value = s.outcome == OpType::Ok ? s.result : Json();
    if (s.outcome == OpType::Info) s.process += o_.clients;
    auto c = changes_.find(s.inv.key->get<std::int64_t>());
    if (c != changes_.end() && c->second.by == &s && c->second.done_at < 0) c->second.done_at = done.index;
    s.phase = Phase::Idle;
    out = std::move(done);
  }

  KvSimOptions o_;
  unsigned seed_;
  std::vector<Slot> slots_;
  std::int64_t t_ = 0, index_ = 0, invocations_ = 0, forgotten_ = 0;
  struct Change {
    Json before;                // the value the last change replaced
    const Slot* by = nullptr;   // whose op made it
    std::int64_t done_at = -1;  // when that op completed (-1: not yet)
  };
  std::unordered_map<std::int64_t, Json> values_;
  std::unordered_map<std::int64_t, Change> changes_;
  bool planted_ = false;
};

}  // namespace fl::bench
