// List-append analysis for the session checkers (see session.h). Only the
// longest read of each key is interned (it defines the version order); every
// other read is compared element by element against it in place, so the
// analysis is a few linear passes and allocates nothing per read element.
#include <fmt/format.h>

#include "checkers/session.h"
#include "history/error.h"

namespace fl {
namespace {

std::uint64_t key_and_value(std::uint32_t key, std::uint32_t val) { return (std::uint64_t{key} << 32) | val; }

struct Read {
  std::int64_t pair;
  std::uint32_t key;
  std::size_t len;
  bool compatible = true;
};

// Equality of two list elements, with a fast path for the usual integers.
bool same(const Json& a, const Json& b) {
  if (a.is_number_integer() && b.is_number_integer()) return a.get<std::int64_t>() == b.get<std::int64_t>();
  return a == b;
}

struct KeyInfo {
  std::int64_t longest = -1;    // index into reads
};

}  // namespace

void check_list_append_sessions(const History& h, unsigned guarantees, bool integrity, AnomalyLog& log) {
  const auto& pairs = h.pairs();
  ValueIds keys, vals;
  std::unordered_map<std::uint64_t, std::uint32_t> append_of;  // (key, value) -> pair
  std::vector<std::uint32_t> pair_key(pairs.size(), 0);
  std::vector<std::uint32_t> pair_val(pairs.size(), ValueIds::kNone);
  std::vector<Read> reads;
  std::vector<KeyInfo> info;
  static const Json no_key;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const OpPair& p = pairs[i];
    const Op& inv = h[p.invoke];
    require_known_f(h, p, "session (list-append)", {"append", "read"});
    bool append = inv.f == "append";
    std::uint32_t k = keys.id(inv.key ? *inv.key : no_key);
    if (k >= info.size()) info.resize(k + 1);
    pair_key[i] = k;
    if (append) {
      std::uint32_t v = vals.id(inv.value);
      pair_val[i] = v;
      auto [it, fresh] = append_of.try_emplace(key_and_value(k, v), static_cast<std::uint32_t>(i));
      if (!fresh)
        throw BadInput(h.source(), inv.line,
                       fmt::format("value {} is appended to {} twice (also op {}); the session checkers need unique appends",
                                   show(inv.value), key_name(inv.key ? *inv.key : no_key), op_index(h, pairs[it->second])));
      continue;
    }
    if (h.outcome(p) != OpType::Ok) continue;
    const Op& c = h[p.complete];
    if (!c.value.is_array() && !c.value.is_null())
      throw BadInput(h.source(), c.line, fmt::format("a list-append read must return a list, got {}", show(c.value)));
    Read r{static_cast<std::int64_t>(i), k, c.value.is_array() ? c.value.size() : 0};
    KeyInfo& ki = info[k];
    if (ki.longest < 0 || r.len > reads[ki.longest].len) ki.longest = static_cast<std::int64_t>(reads.size());
    reads.push_back(r);
  }
  auto key_json = [&](const Read& r) -> const Json& {
    const Op& inv = h[pairs[r.pair].invoke];
    return inv.key ? *inv.key : no_key;
  };
  auto read_op = [&](const Read& r) { return op_index(h, pairs[r.pair]); };

  // Version order: position of each value in its key's longest read.
  std::unordered_map<std::uint64_t, std::uint32_t> pos;
  for (std::size_t k = 0; k < info.size(); ++k) {
    if (info[k].longest < 0) continue;
    const Read& L = reads[info[k].longest];
    const Json& list = h[pairs[L.pair].complete].value;
    for (std::size_t j = 0; j < L.len; ++j) {
      std::uint32_t v = vals.id(list[j]);
      auto [it, fresh] = pos.try_emplace(key_and_value(static_cast<std::uint32_t>(k), v), static_cast<std::uint32_t>(j));
      if (!fresh && integrity) {
        auto a = append_of.find(key_and_value(static_cast<std::uint32_t>(k), v));
        std::vector<std::int64_t> ops;
        if (a != append_of.end()) ops.push_back(op_index(h, pairs[a->second]));
        ops.push_back(read_op(L));
        log.add("duplicated-append", ops,
                fmt::format("read (op {}) of {} holds {} twice, though it was appended once", read_op(L),
                            key_name(key_json(L)), show(list[j])));
      }
    }
  }
  // Incompatible reads: not a prefix of the longest read of their key.
  auto report_unexpected = [&](const Read& r) {
    const Json& list = h[pairs[r.pair].complete].value;
    for (std::size_t j = 0; j < r.len; ++j) {
      std::uint32_t vid = vals.find(list[j]);
      auto a = vid == ValueIds::kNone ? append_of.end() : append_of.find(key_and_value(r.key, vid));
      if (a != append_of.end() && h.outcome(pairs[a->second]) != OpType::Fail) continue;
      if (a == append_of.end())
        log.add("unexpected-value", {read_op(r)},
                fmt::format("read (op {}) of {} holds {}, which no one ever appended", read_op(r),
                            key_name(key_json(r)), show(list[j])));
      else
        log.add("unexpected-value", {op_index(h, pairs[a->second]), read_op(r)},
                fmt::format("read (op {}) of {} holds {}, whose only append (op {}) failed", read_op(r),
                            key_name(key_json(r)), show(list[j]), op_index(h, pairs[a->second])));
    }
  };
  for (std::size_t k = 0; k < info.size(); ++k)
    if (integrity && info[k].longest >= 0) report_unexpected(reads[info[k].longest]);
  for (Read& r : reads) {
    const Read& L = reads[info[r.key].longest];
    const Json& mine = h[pairs[r.pair].complete].value;
    const Json& theirs = h[pairs[L.pair].complete].value;
    bool prefix = true;
    for (std::size_t j = 0; j < r.len && prefix; ++j) prefix = same(mine[j], theirs[j]);
    if (prefix) continue;
    r.compatible = false;
    log.add("incompatible-read", {read_op(r), read_op(L)},
            fmt::format("reads of {} disagree: op {} returned {} and op {} returned {}, neither a prefix of the other",
                        key_name(key_json(r)), read_op(r), show(h[pairs[r.pair].complete].value), read_op(L),
                        show(h[pairs[L.pair].complete].value)));
    if (integrity) report_unexpected(r);
  }
  // version of an append: 1 + its position in the longest read; 0 when never seen.
  auto version = [&](std::size_t i) -> std::uint32_t {
    auto it = pos.find(key_and_value(pair_key[i], pair_val[i]));
    return it == pos.end() ? 0 : it->second + 1;
  };
  if (integrity) {
    // Lost: an acknowledged append that no read ever shows, although a later
    // append by the same process to the same key is shown — the store kept
    // the later one and dropped the earlier (no real-time assumption needed).
    std::unordered_map<std::uint64_t, std::vector<std::size_t>> unseen;  // (process, key) -> ok appends not shown
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      if (pair_val[i] == ValueIds::kNone) continue;
      OpType out = h.outcome(pairs[i]);
      if (out == OpType::Fail) continue;
      auto& mine = unseen[(static_cast<std::uint64_t>(h[pairs[i].invoke].process) << 32) | pair_key[i]];
      if (!version(i)) {
        if (out == OpType::Ok) mine.push_back(i);
        continue;
      }
      const Read& L = reads[info[pair_key[i]].longest];
      for (std::size_t lost : mine)
        log.add("lost-append", {op_index(h, pairs[lost]), op_index(h, pairs[i]), read_op(L)},
                fmt::format("append of {} to {} (op {}) was acknowledged but is in no read, while the same process's later append of {} (op {}) is (e.g. op {})",
                            show(op_argument(h, pairs[lost])), key_name(key_json(L)), op_index(h, pairs[lost]),
                            show(op_argument(h, pairs[i])), op_index(h, pairs[i]), read_op(L)));
      mine.clear();
    }
  }
  if (!guarantees) return;

  // Session guarantees, per (process, key), walking each process's ops in order.
  struct Session {
    std::uint32_t need = 0;  std::int64_t need_op = -1, need_reported = -1;  // read-your-writes
    std::uint32_t seen = 0;  std::int64_t seen_op = -1, seen_reported = -1;  // monotonic reads / writes-follow-reads
    std::uint32_t wrote = 0; std::int64_t wrote_op = -1;                     // monotonic writes
    const Json* wrote_arg = nullptr;
  };
  constexpr std::uint32_t kUnseen = 0xffffffffu;
  std::unordered_map<std::uint64_t, Session> sessions;
  std::vector<std::int64_t> read_of_pair(pairs.size(), -1);
  for (std::size_t r = 0; r < reads.size(); ++r) read_of_pair[reads[r].pair] = static_cast<std::int64_t>(r);
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const OpPair& p = pairs[i];
    const Op& inv = h[p.invoke];
    bool append = pair_val[i] != ValueIds::kNone;
    if (!append && read_of_pair[i] < 0) continue;
    std::uint32_t k = pair_key[i];
    Session& s = sessions[(static_cast<std::uint64_t>(inv.process) << 32) | k];
    std::int64_t me = op_index(h, p);
    const Json& key = inv.key ? *inv.key : no_key;
    if (append) {
      OpType out = h.outcome(p);
      if (out == OpType::Fail) continue;
      std::uint32_t ver = version(i);
      if (ver && (guarantees & kMonotonicWrites) && ver < s.wrote)
        log.add("monotonic-writes", {s.wrote_op, me},
                fmt::format("process {} appended {} to {} (op {}) before {} (op {}), but the list holds them in the opposite order",
                            inv.process, show(*s.wrote_arg), key_name(key), s.wrote_op, show(inv.value), me));
      if (ver && (guarantees & kWritesFollowReads) && s.seen_op >= 0 && ver <= s.seen)
        log.add("writes-follow-reads", {s.seen_op, me},
                fmt::format("process {} read {} (op {}) and only then appended {} (op {}), yet {} already sits inside the list it read",
                            inv.process, key_name(key), s.seen_op, show(inv.value), me, show(inv.value)));
      if (ver > s.wrote) { s.wrote = ver; s.wrote_op = me; s.wrote_arg = &inv.value; }
      if (out == OpType::Ok) {
        std::uint32_t need = ver ? ver : kUnseen;
        if (need > s.need) { s.need = need; s.need_op = me; }
      }
      continue;
    }
    const Read& r = reads[read_of_pair[i]];
    if (!r.compatible) continue;
    auto n = static_cast<std::uint32_t>(r.len);
    if ((guarantees & kReadYourWrites) && s.need > n && s.need_reported != s.need_op) {
      s.need_reported = s.need_op;
      log.add("read-your-writes", {s.need_op, me},
              fmt::format("process {} appended to {} (op {}), but its later read (op {}) does not contain that append",
                          inv.process, key_name(key), s.need_op, me));
    }
    if ((guarantees & kMonotonicReads) && n < s.seen && s.seen_reported != s.seen_op) {
      s.seen_reported = s.seen_op;
      log.add("monotonic-reads", {s.seen_op, me},
              fmt::format("process {} read {} elements of {} (op {}) and later only {} (op {}): its reads went back in time",
                          inv.process, s.seen, key_name(key), s.seen_op, n, me));
    }
    if (n > s.seen || s.seen_op < 0) { s.seen = n; s.seen_op = me; }
  }
}

}  // namespace fl
