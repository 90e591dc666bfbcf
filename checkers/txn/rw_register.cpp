// `txn-rw-register`: Elle's checker for transactions of reads and writes of
// registers with unique written values (Kingsbury & Alvaro, VLDB 2020, §5).
// A read names the one write it saw (wr), an ok or an info txn's. Writes
// are not ordered by what is read, so ww and rw edges come only from the
// version orders versions.h infers (null first; optionally writes-follow-
// reads, sequential or linearizable keys). A value written by two txns is
// refused (BadInput). Non-cycle anomalies: G1a, G1b, internal, lost-update,
// cyclic-versions, and garbage-read (a value nobody wrote) when the initial
// state is known to be empty. Then cycles (cycles.h).
#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>

#include "checkers/txn/checks.h"
#include "checkers/txn/findings.h"
#include "checkers/txn/flat_map.h"
#include "checkers/txn/graph.h"
#include "checkers/txn/versions.h"
#include "history/error.h"

namespace fl {
namespace {

using namespace txn;


std::string show_value(const Txns& t, std::uint32_t v) { return v == kNil ? "nil" : t.value(v); }

// The one txn that wrote each (key, value), by any of its writes and in any
// outcome. rw-register's inference rests on writes being unique: a read
// names the write it saw. Two transactions writing one value to one key
// leave open which of them a read saw (and so whether it read an aborted or
// an intermediate write), and every version-order edge through that value
// would link each writer to each: unsound either way, so the history is
// refused — as Elle refuses a read of such a value ("written by more than
// one op").
class Writers {
 public:
  explicit Writers(const Txns& t) : t_(t), by_value_(t.size() * 2) {
    for (std::uint32_t i = 0; i < t.size(); ++i) {
      const Txn& x = t[i];
      for (const Mop* m = t.mops_begin(x); m != t.mops_end(x); ++m) {
        if (m->kind != MopKind::Write) continue;
        auto [slot, fresh] = by_value_.try_emplace(pack_key_value(m->key, m->value), i);
        if (!fresh && *slot != i)
          throw BadInput(t.source(), t.line(x),
                         fmt::format("value {} of key {} is written by more than one transaction (ops {} and {}); "
                                     "rw-register needs unique writes, else which write a read saw (and every "
                                     "dependency through it) cannot be inferred",
                                     show_value(t, m->value), t.key(m->key), t[*slot].index, x.index));
      }
    }
  }
  // The txn that wrote v to k (by any write), or kNil.
  std::uint32_t any(std::uint32_t k, std::uint32_t v) const {
    const std::uint32_t* w = by_value_.find(pack_key_value(k, v));
    return w ? *w : kNil;
  }
  // The ok or info txn whose last write of k was v (its external write):
  // the one a read of v saw, and the one that holds v in the version order.
  std::uint32_t external(const ExternalOps& ext, std::uint32_t k, std::uint32_t v) const {
    std::uint32_t w = any(k, v), last;
    return w != kNil && !t_[w].failed() && ext.write_of(w, k, last) && last == v ? w : kNil;
  }

 private:
  const Txns& t_;
  FlatMap<std::uint32_t> by_value_;
};

void check_shape(const Txns& t) {
  for (const Txn& x : t.all())
    for (const Mop* m = t.mops_begin(x); m != t.mops_end(x); ++m)
      if (m->kind == MopKind::Append)
        throw BadInput(t.source(), t.line(x),
                       "txn-rw-register understands r and w micro-ops, not append (use txn-list-append)");
}

// internal, G1a (a read of a failed txn's write), G1b (of a write its txn
// overwrote), and — when the initial state is known — garbage-read (of a
// value no txn wrote). With the initial state unknown, such a read may be of
// the initial state, as Elle assumes, and is no anomaly.
void single_txn_anomalies(const Txns& t, const ExternalOps& ext, const Writers& writers, bool initial_state_known,
                          Findings& f) {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> state;  // key → value this txn last saw or wrote
  for (std::uint32_t i = 0; i < t.size(); ++i) {
    const Txn& x = t[i];
    if (!x.ok()) continue;
    state.clear();
    bool internal_found = false;
    for (const Mop* m = t.mops_begin(x); m != t.mops_end(x); ++m) {
      auto st = std::find_if(state.begin(), state.end(), [&](const auto& p) { return p.first == m->key; });
      if (m->kind == MopKind::Read && st != state.end() && st->second != m->value && !internal_found) {
        internal_found = true;
        f.add("internal", {x.index},
              fmt::format("{} read key {} = {}, but its own earlier read or write says it must be {}", Txns::name(x),
                          t.key(m->key), show_value(t, m->value), show_value(t, st->second)));
      }
      if (st == state.end()) state.emplace_back(m->key, m->value);
      else st->second = m->value;
      if (m->kind != MopKind::Read || m->value == kNil) continue;
      std::uint32_t w = writers.any(m->key, m->value);
      if (w == kNil) {
        if (initial_state_known)
          f.add("garbage-read", {x.index},
                fmt::format("{} read key {} = {}, which no transaction wrote, and the key started empty (read out "
                            "of thin air)",
                            Txns::name(x), t.key(m->key), t.value(m->value)));
        continue;
      }
      if (t[w].failed())
        f.add("G1a", {t[w].index, x.index},
              fmt::format("{} read key {} = {}, written by {}, which failed", Txns::name(x), t.key(m->key),
                          t.value(m->value), Txns::name(t[w])));
      std::uint32_t last;
      if (w != i && ext.write_of(w, m->key, last) && last != m->value)
        f.add("G1b", {t[w].index, x.index},
              fmt::format("{} read key {} = {}, which {} wrote and then overwrote in the same transaction "
                          "(an intermediate state)",
                          Txns::name(x), t.key(m->key), t.value(m->value), Txns::name(t[w])));
    }
  }
}

void lost_updates(const Txns& t, Findings& f) {
  std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> groups;  // (key, value read) → txns
  for (std::uint32_t i = 0; i < t.size(); ++i) {
    const Txn& x = t[i];
    if (!x.ok()) continue;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> first_read;
    std::vector<std::uint32_t> wrote;
    for (const Mop* m = t.mops_begin(x); m != t.mops_end(x); ++m) {
      auto fr = std::find_if(first_read.begin(), first_read.end(), [&](const auto& p) { return p.first == m->key; });
      if (m->kind == MopKind::Read) {
        if (fr == first_read.end()) first_read.emplace_back(m->key, m->value);
        continue;
      }
      if (fr == first_read.end() || std::find(wrote.begin(), wrote.end(), m->key) != wrote.end()) continue;
      wrote.push_back(m->key);
      groups[pack_key_value(m->key, fr->second)].push_back(i);
    }
  }
  std::vector<std::pair<std::uint64_t, std::vector<std::uint32_t>>> sorted(groups.begin(), groups.end());
  std::sort(sorted.begin(), sorted.end());
  for (const auto& [key_value, members] : sorted) {
    if (members.size() < 2) continue;
    std::vector<std::int64_t> ops;
    std::string names;
    for (std::uint32_t i : members) {
      ops.push_back(t[i].index);
      names += (names.empty() ? "" : " and ") + Txns::name(t[i]);
    }
    f.add("lost-update", ops,
          fmt::format("{} all read key {} = {} and then wrote it: each update was made without seeing the others",
                      names, t.key(static_cast<std::uint32_t>(key_value >> 32)),
                      show_value(t, static_cast<std::uint32_t>(key_value))));
  }
}

std::string explain(const Txns& t, const ExternalOps& ext, const VersionOrder& vo, std::uint32_t a, std::uint32_t b,
                    Rels rel) {
  if (rel == kProcess || rel == kRealtime) return order_step(t, a, b, rel);
  std::string na = Txns::name(t[a]), nb = Txns::name(t[b]);
  if (rel == kWR) {
    for (const auto& [k, v] : ext.writes[a]) {
      std::uint32_t r;
      if (ext.read_of(b, k, r) && r == v)
        return fmt::format("{} wrote key {} = {}, which {} read", na, t.key(k), t.value(v), nb);
    }
  }
  const auto& from = rel == kWW ? ext.writes[a] : ext.reads[a];
  for (const auto& [k, v1] : from) {
    std::uint32_t v2;
    if (!ext.write_of(b, k, v2) || !vo.precedes(k, v1, v2)) continue;
    if (rel == kWW)
      return fmt::format("{} wrote key {} = {} and {} wrote {}, which comes next in the version order", na, t.key(k),
                         t.value(v1), nb, t.value(v2));
    return v1 == kNil ? fmt::format("{} read key {} = nil (the initial state), and {} wrote {}, which comes later", na,
                                    t.key(k), nb, t.value(v2))
                      : fmt::format("{} read key {} = {}, and {} wrote {}, which comes next in the version order", na,
                                    t.key(k), t.value(v1), nb, t.value(v2));
  }
  return fmt::format("{} precedes {} ({})", na, nb, rel_name(rel));
}

class RwRegisterChecker : public Checker {
 public:
  std::string name() const override { return "txn-rw-register"; }
  std::string description() const override {
    return "transactions of register reads and writes (Elle): dependency cycles G0…G2, aborted / intermediate reads, "
           "lost updates; --sequential-keys, --linearizable-keys, --wfr-keys";
  }
  CheckResult check(const History& h, const CheckOptions& opts) const override {
    return check_rw_register(Txns(h, ReadShape::Value), opts);
  }
};

}  // namespace

CheckResult txn::check_rw_register(const Txns& txns, const CheckOptions& opts) {
  TxnOptions o = TxnOptions::from(opts);
  txns.throw_if_bad();
  check_shape(txns);
  Findings f;
  ExternalOps ext(txns);
  const Writers writers(txns);
  single_txn_anomalies(txns, ext, writers, o.initial_state_known, f);
  lost_updates(txns, f);
  // (key, value) → the ok txns that read it externally, sorted.
  std::vector<std::pair<std::uint64_t, std::uint32_t>> readers;
  for (std::uint32_t i = 0; i < txns.size(); ++i)
    if (txns[i].ok())
      for (const auto& [k, v] : ext.reads[i]) readers.emplace_back(pack_key_value(k, v), i);
  std::sort(readers.begin(), readers.end());
  VersionOrder vo(txns, ext, {o.wfr_keys, o.sequential_keys, o.linearizable_keys});
  for (const CyclicVersions& c : vo.cycles()) {
    std::string values, sources;
    for (std::uint32_t v : c.values) values += (values.empty() ? "" : ", ") + show_value(txns, v);
    for (const std::string& s : c.sources) sources += (sources.empty() ? "" : ", ") + s;
    f.add("cyclic-versions", {},
          fmt::format("the versions {} of key {} must each come before the other (from {}); that source was left out",
                      values, txns.key(c.key), sources),
          Json{{"key", Json::parse(txns.key(c.key))}, {"sources", c.sources}});
  }
  Rels order = o.extra_order();
  DepGraph g(txns.size());
  g.build([&](DepGraph& edges) {
    // wr: a read names the write it saw — an ok txn's, or an info txn's,
    // which the read shows committed. A value nobody wrote adds no edge (the
    // initial state, or a garbage-read reported above).
    for (const auto& [key_value, reader] : readers) {
      std::uint32_t w = writers.external(ext, static_cast<std::uint32_t>(key_value >> 32),
                                         static_cast<std::uint32_t>(key_value));
      if (w != kNil) edges.link(w, reader, kWR);
    }
    // ww and rw along the inferred version order, to the one (ok or info)
    // writer of the later version. An info writer gets edges in but has none
    // out unless its write was read: version edges from an info write come
    // only from reads of it (info txns precede nothing in process or real
    // time), so a cycle through one shows it committed.
    for (const auto& edge : vo.edges()) {
      std::uint32_t k = std::get<0>(edge), v1 = std::get<1>(edge), v2 = std::get<2>(edge);
      std::uint32_t w2 = writers.external(ext, k, v2);
      if (w2 == kNil) continue;
      std::uint32_t w1 = writers.external(ext, k, v1);
      if (w1 != kNil) edges.link(w1, w2, kWW);
      std::uint64_t state = pack_key_value(k, v1);
      auto r = std::lower_bound(readers.begin(), readers.end(), std::make_pair(state, std::uint32_t{0}));
      for (; r != readers.end() && r->first == state; ++r) edges.link(r->second, w2, kRW);
    }
    if (order == kRealtime) add_realtime_order(edges, txns);
    if (order == kProcess) add_process_order(edges, txns);
  });
  if (g.edges() == 0) f.add("empty-transaction-graph", {}, "no dependency between transactions could be inferred");
  CycleReport cycles = find_cycles(g, kRwRegisterPriority, o.deadline);
  f.add_cycles(txns, cycles,
               [&](std::uint32_t a, std::uint32_t b, Rels rel) { return explain(txns, ext, vo, a, b, rel); });
  CheckResult r = f.result(o, "txn-rw-register");
  r.detail["txns"] = txns.size();
  r.detail["edges"] = g.edges();
  r.detail["sccs"] = cycles.sccs;
  r.detail["version-order-sources"] = vo.sources();
  r.detail["initial-state"] = o.initial_state_known ? "empty" : "unknown";
  return r;
}

std::unique_ptr<Checker> make_txn_rw_register_checker() { return std::make_unique<RwRegisterChecker>(); }

}  // namespace fl
