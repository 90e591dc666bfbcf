#include "checkers/txn/versions.h"

#include <algorithm>
#include <map>

#include "checkers/txn/cycles.h"
#include "checkers/txn/graph.h"

namespace fl::txn {

ExternalOps::ExternalOps(const Txns& txns) : reads(txns.size()), writes(txns.size()) {
  for (std::uint32_t i = 0; i < txns.size(); ++i) {
    const Txn& t = txns[i];
    auto& r = reads[i];
    auto& w = writes[i];
    std::vector<std::uint32_t> touched;
    for (const Mop* m = txns.mops_begin(t); m != txns.mops_end(t); ++m) {
      bool first = std::find(touched.begin(), touched.end(), m->key) == touched.end();
      if (first) touched.push_back(m->key);
      if (m->kind == MopKind::Read) {
        if (first && m->known) r.emplace_back(m->key, m->value);
      } else {
        auto it = std::find_if(w.begin(), w.end(), [&](const auto& p) { return p.first == m->key; });
        if (it == w.end()) w.emplace_back(m->key, m->value);
        else it->second = m->value;
      }
    }
  }
}

static bool find_value(const std::vector<std::pair<std::uint32_t, std::uint32_t>>& kvs, std::uint32_t k,
                       std::uint32_t& v) {
  for (const auto& [key, value] : kvs)
    if (key == k) {
      v = value;
      return true;
    }
  return false;
}

bool ExternalOps::read_of(std::uint32_t t, std::uint32_t k, std::uint32_t& v) const {
  return find_value(reads[t], k, v);
}
bool ExternalOps::write_of(std::uint32_t t, std::uint32_t k, std::uint32_t& v) const {
  return find_value(writes[t], k, v);
}

namespace {

using Edge = std::tuple<std::uint32_t, std::uint32_t, std::uint32_t>;

// The strongly connected sets of versions of each key (edges sorted by key).
std::vector<CyclicVersions> cyclic(const std::vector<Edge>& edges) {
  std::vector<CyclicVersions> out;
  for (std::size_t b = 0; b < edges.size();) {
    std::uint32_t key = std::get<0>(edges[b]);
    std::size_t e = b;
    while (e < edges.size() && std::get<0>(edges[e]) == key) ++e;
    std::map<std::uint32_t, std::uint32_t> local;
    std::vector<std::uint32_t> value_of;
    auto id = [&](std::uint32_t v) {
      auto [it, fresh] = local.try_emplace(v, static_cast<std::uint32_t>(value_of.size()));
      if (fresh) value_of.push_back(v);
      return it->second;
    };
    std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
    for (std::size_t i = b; i < e; ++i) pairs.emplace_back(id(std::get<1>(edges[i])), id(std::get<2>(edges[i])));
    std::sort(pairs.begin(), pairs.end());
    std::vector<std::uint32_t> offset(value_of.size() + 1, 0), to;
    for (const auto& [from, target] : pairs) {
      ++offset[from + 1];
      to.push_back(target);
    }
    for (std::size_t v = 0; v < value_of.size(); ++v) offset[v + 1] += offset[v];
    for (auto& comp : strongly_connected(value_of.size(), offset, to)) {
      CyclicVersions c;
      c.key = key;
      for (std::uint32_t l : comp) c.values.push_back(value_of[l]);
      out.push_back(std::move(c));
    }
    b = e;
  }
  return out;
}

void normalize(std::vector<Edge>& edges) {
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
}

}  // namespace

VersionOrder::VersionOrder(const Txns& txns, const ExternalOps& ext, const Options& opts) {
  // null precedes every value an ok or info txn wrote, or an ok txn read.
  std::vector<Edge> initial;
  for (std::uint32_t i = 0; i < txns.size(); ++i) {
    const Txn& t = txns[i];
    if (t.failed() || t.complete_pos < 0) continue;
    for (const auto& [k, v] : ext.writes[i])
      if (v != kNil) initial.emplace_back(k, kNil, v);
    if (t.ok())
      for (const auto& [k, v] : ext.reads[i])
        if (v != kNil) initial.emplace_back(k, kNil, v);
  }
  add_source("initial-state", std::move(initial));
  if (opts.wfr_keys) {
    std::vector<Edge> wfr;
    for (std::uint32_t i = 0; i < txns.size(); ++i) {
      if (!txns[i].ok()) continue;
      for (const auto& [k, v] : ext.reads[i]) {
        std::uint32_t w;
        if (v != kNil && ext.write_of(i, k, w) && w != v) wfr.emplace_back(k, v, w);
      }
    }
    add_source("wfr-keys", std::move(wfr));
  }
  if (opts.sequential_keys) add_source("sequential-keys", from_txn_order(txns, ext, false));
  if (opts.linearizable_keys) add_source("linearizable-keys", from_txn_order(txns, ext, true));
}

void VersionOrder::add_source(const std::string& name, std::vector<Edge> more) {
  std::vector<Edge> combined = edges_;
  combined.insert(combined.end(), more.begin(), more.end());
  normalize(combined);
  std::vector<CyclicVersions> found = cyclic(combined);
  if (!found.empty()) {
    for (CyclicVersions& c : found) {
      c.sources = sources_;
      c.sources.push_back(name);
      cycles_.push_back(std::move(c));
    }
    return;
  }
  edges_ = std::move(combined);
  sources_.push_back(name);
}

bool VersionOrder::precedes(std::uint32_t k, std::uint32_t v1, std::uint32_t v2) const {
  return std::binary_search(edges_.begin(), edges_.end(), Edge{k, v1, v2});
}

std::vector<Edge> VersionOrder::from_txn_order(const Txns& txns, const ExternalOps& ext, bool realtime) const {
  DepGraph order(txns.size());
  order.build([&](DepGraph& g) {
    if (realtime) add_realtime_order(g, txns);
    else add_process_order(g, txns);
  });
  // The keys each txn is known to have touched: an ok txn's external reads
  // and writes, an info txn's writes; a failed txn touched nothing.
  auto keys = [&](std::uint32_t t) {
    std::vector<std::uint32_t> ks;
    if (txns[t].failed()) return ks;
    for (const auto& [k, v] : ext.writes[t]) ks.push_back(k);
    if (txns[t].ok())
      for (const auto& [k, v] : ext.reads[t]) ks.push_back(k);
    std::sort(ks.begin(), ks.end());
    ks.erase(std::unique(ks.begin(), ks.end()), ks.end());
    return ks;
  };
  // next[t]: for each key, the first txns after t (along the order) to touch
  // it. Computed from the last txn backwards: edges point forward in time.
  std::vector<std::uint32_t> by_time;
  for (std::uint32_t i = 0; i < txns.size(); ++i)
    if (txns[i].complete_pos >= 0) by_time.push_back(i);
  std::sort(by_time.begin(), by_time.end(),
            [&](std::uint32_t a, std::uint32_t b) { return txns[a].complete_pos > txns[b].complete_pos; });
  std::vector<std::vector<std::pair<std::uint32_t, std::uint32_t>>> next(txns.size());
  std::vector<Edge> out;
  for (std::uint32_t a : by_time) {
    auto& mine = next[a];
    for (std::uint32_t e = order.out_begin(a); e < order.out_end(a); ++e) {
      std::uint32_t b = order.to(e);
      std::vector<std::uint32_t> kb = keys(b);
      for (std::uint32_t k : kb) mine.emplace_back(k, b);
      for (const auto& [k, x] : next[b])
        if (!std::binary_search(kb.begin(), kb.end(), k)) mine.emplace_back(k, x);
    }
    std::sort(mine.begin(), mine.end());
    mine.erase(std::unique(mine.begin(), mine.end()), mine.end());
    const Txn& ta = txns[a];
    for (const auto& [k, b] : mine) {
      // a's last value of k: what it wrote, else (ok) what it read.
      std::uint32_t v1, v2;
      if (!ext.write_of(a, k, v1) && !(ta.ok() && ext.read_of(a, k, v1))) continue;
      // b's first value of k: what it read (ok), else what it wrote.
      if (!(txns[b].ok() && ext.read_of(b, k, v2)) && !ext.write_of(b, k, v2)) continue;
      if (v1 != v2) out.emplace_back(k, v1, v2);
    }
  }
  return out;
}

}  // namespace fl::txn
