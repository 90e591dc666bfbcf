// The `lock` checker (the lock workload: a lease lock and a store written
// with the lease's token; Kleppmann, "How to do distributed locking", 2016).
// Two promises, each violation naming its ops by index:
//  1. Mutual exclusion. A client certainly holds the lock from the moment its
//     acquire returned ok until its release was invoked or its lease ran out,
//     whichever is first — the lease counted from the acquire's invocation
//     (the grant came later, so it ends no earlier). Two such holds of one
//     lock that overlap in time are `overlapping-holds`.
//  2. Token order. The store's log (the last ok `read`: [[client, token], …],
//     in the order the store accepted the writes) must never take a token
//     lower than one it took before (`stale-write-accepted`: a holder whose
//     lease ended wrote after a newer holder), nor one token from two clients
//     (`token-reused`). It must hold every acknowledged write (`lost-write`),
//     no write nobody made (`unexpected-write`) and none that was refused
//     (`failed-write-accepted`).
// Ops: acquire {"lock", "client", "ttl_ms"} → ok {…, "token"}; write
// {"client", "token", "value"}; release {"client", "token"}; read → {"value",
// "log"}; `pause` {"ms"} (a client stalling) is recorded but judges nothing;
// any other op is bad input. Without op times the holds cannot be judged, and
// without an ok read the order cannot: unknown, unless something else is
// already wrong; with no ok acquire, no write and no ok read there is nothing
// to judge: unknown.
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "checkers/anomalies.h"
#include "history/error.h"

namespace fl {
namespace {

double seconds(std::int64_t ns) { return static_cast<double>(ns) / 1e9; }

std::string text_of(const Json& v, const char* field) {
  if (!v.is_object() || !v.contains(field)) return "";
  const Json& x = v[field];
  return x.is_string() ? x.get<std::string>() : x.dump();
}

struct Hold {
  std::string lock, client;
  std::int64_t token = 0;
  std::int64_t op = -1;          // index of the acquire's completion
  std::int64_t start = 0, end = 0;
  std::int64_t release_op = -1;  // index of the release's invocation, if any
};

class LockChecker : public Checker {
 public:
  std::string name() const override { return "lock"; }
  std::string description() const override {
    return "lock: no two overlapping holds of a lease lock; the store accepts writes in token order, and every "
           "acknowledged write";
  }

  CheckResult check(const History& h, const CheckOptions&) const override {
    const auto& pairs = h.pairs();
    std::map<std::string, const OpPair*> releases;  // client → its first release
    std::map<std::pair<std::string, std::int64_t>, const OpPair*> writes;
    std::vector<const OpPair*> acquires, reads;
    for (const OpPair& p : pairs) {
      const Op& inv = h[p.invoke];
      OpType out = h.outcome(p);
      require_known_f(h, p, "lock", {"acquire", "pause", "write", "release", "read"});
      if (inv.f == "acquire" && out == OpType::Ok) {
        acquires.push_back(&p);
      } else if (inv.f == "release") {
        releases.emplace(text_of(inv.value, "client"), &p);
      } else if (inv.f == "write") {
        if (!inv.value.is_object() || !inv.value.contains("token") || !inv.value["token"].is_number_integer())
          throw BadInput(h.source(), inv.line, "a lock write must carry {\"client\", \"token\": n, \"value\"}");
        writes.emplace(std::make_pair(text_of(inv.value, "client"), inv.value["token"].get<std::int64_t>()), &p);
      } else if (inv.f == "read" && out == OpType::Ok) {
        const Json& v = h[p.complete].value;
        if (!v.is_object() || !v.contains("log") || !v["log"].is_array())
          throw BadInput(h.source(), h[p.complete].line,
                         fmt::format("a lock store read must return {{\"value\", \"log\": [...]}}, got {}", show(v)));
        reads.push_back(&p);
      }
    }
    AnomalyLog log;
    CheckResult r;
    bool holds_known = check_holds(h, acquires, releases, log, r);
    bool order_known = check_store(h, writes, reads, log, r);
    log.write(r);
    if (acquires.empty() && writes.empty() && reads.empty()) {
      nothing_to_judge(r, "no acquire succeeded, no write was made and no read of the store succeeded");
    } else if (log.empty() && (!holds_known || !order_known)) {
      r.valid = Validity::Unknown;
      r.summary += holds_known ? "" : "the holds cannot be judged: the history has no op times\n";
      r.summary += order_known ? "" : "no read of the store completed, so the order of accepted writes is unknown\n";
    }
    return r;
  }

 private:
  static bool check_holds(const History& h, const std::vector<const OpPair*>& acquires,
                          const std::map<std::string, const OpPair*>& releases, AnomalyLog& log, CheckResult& r) {
    std::vector<Hold> holds;
    for (const OpPair* p : acquires) {
      const Op& inv = h[p->invoke];
      const Op& done = h[p->complete];
      if (inv.time < 0 || done.time < 0) return false;
      if (!inv.value.is_object() || !inv.value.contains("ttl_ms") || !inv.value["ttl_ms"].is_number())
        throw BadInput(h.source(), inv.line, "a lock acquire must carry {\"client\", \"ttl_ms\": t}");
      Hold hold;
      hold.lock = text_of(inv.value, "lock");
      hold.client = text_of(inv.value, "client");
      hold.token = done.value.is_object() ? done.value.value("token", std::int64_t{0}) : 0;
      hold.op = done.index;
      hold.start = done.time;
      hold.end = inv.time + static_cast<std::int64_t>(inv.value["ttl_ms"].get<double>() * 1e6);
      auto rel = releases.find(hold.client);
      if (rel != releases.end() && h[rel->second->invoke].time < hold.end) {
        hold.end = h[rel->second->invoke].time;
        hold.release_op = h[rel->second->invoke].index;
      }
      if (hold.end > hold.start) holds.push_back(hold);
    }
    std::sort(holds.begin(), holds.end(),
              [](const Hold& a, const Hold& b) { return std::tie(a.lock, a.start) < std::tie(b.lock, b.start); });
    for (std::size_t i = 0, cur = 0; i < holds.size(); ++i) {
      if (i == 0 || holds[i].lock != holds[cur].lock) {
        cur = i;
        continue;
      }
      const Hold& a = holds[cur];
      const Hold& b = holds[i];
      if (b.start < a.end) {
        std::string until = a.release_op >= 0 ? fmt::format("its release (op {}) at {:.3f} s", a.release_op, seconds(a.end))
                                              : fmt::format("its lease ran out at {:.3f} s", seconds(a.end));
        log.add("overlapping-holds", {a.op, b.op},
                fmt::format("{} acquired the lock (op {}, token {}) at {:.3f} s while {} still held it (op {}, token "
                            "{}) until {}: two clients held it at once",
                            b.client, b.op, b.token, seconds(b.start), a.client, a.op, a.token, until),
                {{"clients", {a.client, b.client}}, {"tokens", {a.token, b.token}}});
      }
      if (b.end > a.end) cur = i;
    }
    r.detail["holds"] = holds.size();
    return true;
  }

  static bool check_store(const History& h, const std::map<std::pair<std::string, std::int64_t>, const OpPair*>& writes,
                          const std::vector<const OpPair*>& reads, AnomalyLog& log, CheckResult& r) {
    if (reads.empty()) return writes.empty();
    // The read that saw the most: the store's log only grows.
    const OpPair* last = *std::max_element(reads.begin(), reads.end(), [&](const OpPair* a, const OpPair* b) {
      return h[a->complete].value["log"].size() < h[b->complete].value["log"].size();
    });
    const Op& read = h[last->complete];
    std::map<std::pair<std::string, std::int64_t>, std::size_t> seen;
    bool any = false;
    std::int64_t best = 0;
    std::string best_client;
    const OpPair* best_write = nullptr;
    auto write_op = [&](const OpPair* w) { return w ? op_index(h, *w) : read.index; };
    for (const Json& entry : read.value["log"]) {
      if (!entry.is_array() || entry.size() != 2 || !entry[1].is_number_integer())
        throw BadInput(h.source(), read.line, fmt::format("a store log entry must be [client, token], got {}", show(entry)));
      std::string client = entry[0].is_string() ? entry[0].get<std::string>() : entry[0].dump();
      std::int64_t token = entry[1].get<std::int64_t>();
      auto key = std::make_pair(client, token);
      ++seen[key];
      auto w = writes.find(key);
      const OpPair* wp = w == writes.end() ? nullptr : w->second;
      if (!wp)
        log.add("unexpected-write", {read.index},
                fmt::format("the store's log (read, op {}) holds a write by {} with token {} that nobody made",
                            read.index, client, token));
      else if (h.outcome(*wp) == OpType::Fail)
        log.add("failed-write-accepted", {op_index(h, *wp), read.index},
                fmt::format("the store refused {}'s write with token {} (op {}) yet its log (read, op {}) holds it",
                            client, token, op_index(h, *wp), read.index));
      if (any) {
        if (token < best)
          log.add("stale-write-accepted", {write_op(best_write), write_op(wp), read.index},
                  fmt::format("the store accepted {}'s write with token {} (op {}) after {}'s with token {} (op {}): "
                              "a holder whose lease had ended wrote after a newer holder (read, op {})",
                              client, token, write_op(wp), best_client, best, write_op(best_write), read.index),
                  {{"tokens", {best, token}}});
        else if (token == best && client != best_client)
          log.add("token-reused", {write_op(best_write), write_op(wp), read.index},
                  fmt::format("the store accepted writes of {} (op {}) and {} (op {}) with the same token {}", best_client,
                              write_op(best_write), client, write_op(wp), token));
      }
      if (!any || token > best) {
        any = true;
        best = token;
        best_client = client;
        best_write = wp;
      }
    }
    std::size_t acknowledged = 0;
    for (const auto& [key, w] : writes) {
      if (h.outcome(*w) != OpType::Ok) continue;
      ++acknowledged;
      if (!seen.count(key) && w->complete < last->invoke)
        log.add("lost-write", {op_index(h, *w), read.index},
                fmt::format("{}'s write with token {} (op {}) was acknowledged but the store's log (read, op {}) "
                            "does not hold it",
                            key.first, key.second, op_index(h, *w), read.index));
    }
    r.detail["accepted-writes"] = read.value["log"].size();
    r.detail["acknowledged-writes"] = acknowledged;
    return true;
  }
};

}  // namespace

std::unique_ptr<Checker> make_lock_checker() { return std::make_unique<LockChecker>(); }

}  // namespace fl
