// `txn-rw-register`: Elle's checker for transactions of reads and writes of
// registers with unique written values (Kingsbury & Alvaro, VLDB 2020, §5).
// A read names the one write it saw (wr). Writes are not ordered by what is
// read, so ww and rw edges come only from the version orders versions.h
// infers (null first; optionally writes-follow-reads, sequential or
// linearizable keys). Non-cycle anomalies: G1a, G1b, internal, lost-update,
// cyclic-versions. Then cycles (cycles.h).
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


struct Index {
  // (key, value) → ok txns that wrote / read it externally, sorted.
  std::vector<std::pair<std::uint64_t, std::uint32_t>> writers, readers;
  template <class F>
  void each(const std::vector<std::pair<std::uint64_t, std::uint32_t>>& v, std::uint64_t key, F f) const {
    auto it = std::lower_bound(v.begin(), v.end(), std::make_pair(key, std::uint32_t{0}));
    for (; it != v.end() && it->first == key; ++it) f(it->second);
  }
};

std::string show_value(const Txns& t, std::uint32_t v) { return v == kNil ? "nil" : t.value(v); }

void check_shape(const Txns& t) {
  for (const Txn& x : t.all())
    for (const Mop* m = t.mops_begin(x); m != t.mops_end(x); ++m)
      if (m->kind == MopKind::Append)
        throw BadInput(t.source(), t.line(x),
                       "txn-rw-register understands r and w micro-ops, not append (use txn-list-append)");
}

void single_txn_anomalies(const Txns& t, Findings& f) {
  std::unordered_map<std::uint64_t, std::uint32_t> failed, intermediate;
  for (std::uint32_t i = 0; i < t.size(); ++i) {
    const Txn& x = t[i];
    for (const Mop* m = t.mops_begin(x); m != t.mops_end(x); ++m) {
      if (m->kind != MopKind::Write) continue;
      if (x.failed()) failed.emplace(pack_key_value(m->key, m->value), i);
      for (const Mop* n = m + 1; n != t.mops_end(x); ++n)
        if (n->kind == MopKind::Write && n->key == m->key) {
          intermediate.emplace(pack_key_value(m->key, m->value), i);
          break;
        }
    }
  }
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
      auto fw = failed.find(pack_key_value(m->key, m->value));
      if (fw != failed.end())
        f.add("G1a", {t[fw->second].index, x.index},
              fmt::format("{} read key {} = {}, written by {}, which failed", Txns::name(x), t.key(m->key),
                          t.value(m->value), Txns::name(t[fw->second])));
      auto im = intermediate.find(pack_key_value(m->key, m->value));
      if (im != intermediate.end() && im->second != i)
        f.add("G1b", {t[im->second].index, x.index},
              fmt::format("{} read key {} = {}, which {} wrote and then overwrote in the same transaction "
                          "(an intermediate state)",
                          Txns::name(x), t.key(m->key), t.value(m->value), Txns::name(t[im->second])));
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
  single_txn_anomalies(txns, f);
  lost_updates(txns, f);
  ExternalOps ext(txns);
  Index idx;
  for (std::uint32_t i = 0; i < txns.size(); ++i) {
    if (!txns[i].ok()) continue;
    for (const auto& [k, v] : ext.writes[i]) idx.writers.emplace_back(pack_key_value(k, v), i);
    for (const auto& [k, v] : ext.reads[i]) idx.readers.emplace_back(pack_key_value(k, v), i);
  }
  std::sort(idx.writers.begin(), idx.writers.end());
  std::sort(idx.readers.begin(), idx.readers.end());
  DepGraph g(txns.size());
  // wr: a read names its write, when exactly one txn wrote that value.
  for (std::size_t r = 0; r < idx.readers.size();) {
    std::uint64_t key = idx.readers[r].first;
    std::vector<std::uint32_t> ws;
    idx.each(idx.writers, key, [&](std::uint32_t w) { ws.push_back(w); });
    if (ws.size() > 1)
      throw BadInput(txns.source(), txns.line(txns[ws[1]]),
                     fmt::format("value {} of key {} is written by more than one transaction (ops {} and {}); "
                                 "rw-register needs unique writes",
                                 txns.value(static_cast<std::uint32_t>(key)), txns.key(static_cast<std::uint32_t>(key >> 32)),
                                 txns[ws[0]].index, txns[ws[1]].index));
    for (; r < idx.readers.size() && idx.readers[r].first == key; ++r)
      if (!ws.empty()) g.link(ws[0], idx.readers[r].second, kWR);
  }
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
  for (const auto& [k, v1, v2] : vo.edges()) {
    // A plain variable, not the binding: clang before 16 refuses to capture a structured binding.
    std::uint64_t from = pack_key_value(k, v1), to = pack_key_value(k, v2);
    idx.each(idx.writers, to, [&](std::uint32_t w2) {
      idx.each(idx.writers, from, [&](std::uint32_t w1) { g.link(w1, w2, kWW); });
      idx.each(idx.readers, from, [&](std::uint32_t r1) { g.link(r1, w2, kRW); });
    });
  }
  Rels order = o.extra_order();
  if (order == kRealtime) add_realtime_order(g, txns);
  if (order == kProcess) add_process_order(g, txns);
  g.finish();
  if (g.edges() == 0) f.add("empty-transaction-graph", {}, "no dependency between transactions could be inferred");
  CycleReport cycles = find_cycles(g, kRwRegisterPriority, o.deadline);
  f.add_cycles(txns, cycles,
               [&](std::uint32_t a, std::uint32_t b, Rels rel) { return explain(txns, ext, vo, a, b, rel); });
  CheckResult r = f.result(o, "txn-rw-register");
  r.detail["txns"] = txns.size();
  r.detail["edges"] = g.edges();
  r.detail["sccs"] = cycles.sccs;
  r.detail["version-order-sources"] = vo.sources();
  return r;
}

std::unique_ptr<Checker> make_txn_rw_register_checker() { return std::make_unique<RwRegisterChecker>(); }

}  // namespace fl
