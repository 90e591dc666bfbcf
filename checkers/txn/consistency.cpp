// The relations below are the ones Elle (Kingsbury & Alvaro, VLDB 2020;
// jepsen-io/elle, elle.consistency-model) uses, with its sources: Adya's
// thesis and "Generalized Isolation Level Definitions", Bailis et al.'s
// "Highly Available Transactions", Cerone et al.'s "A Framework for
// Transactional Consistency Models with Atomic Visibility", Daudjee & Salem's
// lazy replication papers, and Fekete et al. on snapshot isolation. Keeping
// the same relations is what makes our "not" / "also-not" lists Elle's.
#include "checkers/txn/consistency.h"

#include <algorithm>
#include <deque>
#include <map>
#include <utility>

namespace fl::txn {
namespace {

using Edges = std::vector<std::pair<const char*, std::vector<const char*>>>;

// a → b: a history with anomaly a also has anomaly b.
const Edges kImplied = {
    {"G0", {"G1c", "G0-process"}},
    {"G0-process", {"G1c-process", "G0-realtime"}},
    {"G0-realtime", {"G1c-realtime"}},
    {"G1a", {"G1"}},
    {"G1b", {"G1"}},
    {"G1c", {"G1", "G1c-process"}},
    {"G1c-process", {"G1c-realtime", "G1-process"}},
    {"G1c-realtime", {"G1-realtime"}},
    {"G1", {"G1-process"}},
    {"G1-process", {"G1-realtime"}},
    {"G-single-item", {"G-single", "G-single-item-process", "G-nonadjacent-item"}},
    {"G-single-item-process", {"G-single-process", "G-single-item-realtime", "G-nonadjacent-item-process"}},
    {"G-single-item-realtime", {"G-single-realtime", "G-nonadjacent-item-realtime"}},
    {"G-single", {"G-nonadjacent", "GSIb", "G-single-process"}},
    {"G-single-process", {"G-nonadjacent-process", "G-single-realtime"}},
    {"G-single-realtime", {"G-nonadjacent-realtime"}},
    {"G-nonadjacent-item", {"G-nonadjacent", "G2-item", "G-nonadjacent-item-process"}},
    {"G-nonadjacent-item-process", {"G-nonadjacent-process", "G2-item-process", "G-nonadjacent-item-realtime"}},
    {"G-nonadjacent-item-realtime", {"G2-item-realtime", "G-nonadjacent-realtime"}},
    {"G-nonadjacent", {"G2", "G-nonadjacent-process"}},
    {"G-nonadjacent-process", {"G2-process", "G-nonadjacent-realtime"}},
    {"G-nonadjacent-realtime", {"G2-realtime"}},
    {"G2", {"G2-process"}},
    {"G2-item", {"G2", "G2-item-process"}},
    {"G2-item-process", {"G2-process", "G2-item-realtime"}},
    {"G2-item-realtime", {"G2-realtime"}},
    {"G2-process", {"G2-realtime"}},
    {"GSIa", {"GSI"}},
    {"GSIb", {"GSI"}},
    // Two committed reads no single order of appends explains: a dirty read.
    {"incompatible-order", {"G1a"}},
    // A transaction observing its own later write: a trivial wr cycle.
    {"future-read", {"G1c"}},
    {"dirty-update", {"G1a"}},
    {"lost-update", {"write-skew", "G2-item"}},
    {"write-skew", {"G2"}},
};

// Not implication, only "usually worse": it orders the search.
const Edges kSeverity = {
    {"G0", {"G1c"}},
    {"G0-process", {"G1c-process"}},
    {"G0-realtime", {"G1c-realtime"}},
    {"G1c", {"G-single", "G2-item"}},
    {"G1c-process", {"G-single-process", "G2-item-process"}},
    {"G1c-realtime", {"G-single-realtime", "G2-item-realtime"}},
    {"G2", {"G0-process"}},
    {"G2-process", {"G0-realtime"}},
};

// a → b: a history satisfying model a satisfies model b (friendly or
// canonical names; canonicalized when the graph is built).
const Edges kModels = {
    {"causal-cerone", {"read-atomic"}},
    {"consistent-view", {"cursor-stability", "monotonic-view"}},
    {"conflict-serializable", {"view-serializable"}},
    {"cursor-stability", {"read-committed", "PL-2"}},
    {"forward-consistent-view", {"consistent-view"}},
    {"PL-2", {"PL-1"}},
    {"PL-3", {"repeatable-read", "update-serializable"}},
    {"update-serializable", {"forward-consistent-view"}},
    {"monotonic-atomic-view", {"read-committed"}},
    {"monotonic-view", {"PL-2"}},
    {"monotonic-snapshot-read", {"PL-2"}},
    {"parallel-snapshot-isolation", {"causal-cerone", "update-atomic"}},
    {"prefix", {"causal-cerone"}},
    {"read-atomic", {"monotonic-atomic-view"}},
    {"read-committed", {"read-uncommitted"}},
    {"repeatable-read", {"cursor-stability", "monotonic-atomic-view"}},
    {"update-atomic", {"read-atomic"}},
    {"serializable", {"repeatable-read", "snapshot-isolation", "view-serializable"}},
    {"session-serializable", {"1SR"}},
    {"snapshot-isolation",
     {"forward-consistent-view", "monotonic-atomic-view", "monotonic-snapshot-read", "parallel-snapshot-isolation",
      "prefix"}},
    {"strict-serializable",
     {"PL-3", "serializable", "linearizable", "snapshot-isolation", "strong-snapshot-isolation",
      "strong-session-serializable"}},
    {"strong-session-PL-1", {"PL-1"}},
    {"strong-session-PL-2", {"PL-2", "strong-session-PL-1"}},
    {"strong-PL-1", {"strong-session-PL-1"}},
    {"strong-PL-2", {"strong-session-PL-2", "strong-PL-1"}},
    {"strong-session-serializable", {"serializable", "strong-session-snapshot-isolation"}},
    {"strong-session-snapshot-isolation", {"snapshot-isolation", "strong-session-PL-2"}},
    {"strong-serializable", {"session-serializable"}},
    {"strong-snapshot-isolation", {"strong-session-snapshot-isolation", "strong-PL-2"}},
    // Single-object models, related to the transactional ones above.
    {"linearizable", {"sequential"}},
    {"sequential", {"causal"}},
    {"causal", {"writes-follow-reads", "PRAM"}},
    {"PRAM", {"monotonic-reads", "monotonic-writes", "read-your-writes"}},
};

const std::vector<std::pair<const char*, const char*>> kCanonical = {
    {"consistent-view", "PL-2+"},
    {"conflict-serializable", "PL-3"},
    {"cursor-stability", "PL-CS"},
    {"forward-consistent-view", "PL-FCV"},
    {"monotonic-snapshot-read", "PL-MSR"},
    {"monotonic-view", "PL-2L"},
    {"read-committed", "PL-2"},
    {"read-uncommitted", "PL-1"},
    {"repeatable-read", "PL-2.99"},
    {"serializable", "PL-3"},
    {"snapshot-isolation", "PL-SI"},
    {"strict-serializable", "PL-SS"},
    {"strong-serializable", "PL-SS"},
    {"update-serializable", "PL-3U"},
    {"strong-session-read-uncommitted", "strong-session-PL-1"},
    {"strong-session-read-committed", "strong-session-PL-2"},
    {"strong-read-uncommitted", "strong-PL-1"},
    {"strong-read-committed", "strong-PL-2"},
};

// The anomalies each (canonical) model forbids beyond what the models it
// implies forbid. `*-cycle-exists` are cycles shown only as a component.
const Edges kProscribed = {
    {"causal-cerone", {"internal", "G1a"}},
    {"PL-CS", {"G1", "G-cursor", "lost-update"}},
    {"PL-2L", {"G1", "G-monotonic"}},
    {"PL-MSR", {"G1", "G-MSR"}},
    {"PL-2+", {"G1", "G-single"}},
    {"PL-FCV", {"G1", "G-SIb"}},
    {"parallel-snapshot-isolation", {"internal", "G1a"}},
    {"PL-3", {"G1", "G2", "predicate-read-miss", "PL-3-cycle-exists", "internal"}},
    {"PL-2", {"G1", "PL-2-cycle-exists"}},
    // garbage-read (a read of a value no transaction wrote; Elle's README
    // calls it a garbage read, its checkers name none): like
    // duplicate-elements, a state no write produced, so no model allows it.
    {"PL-1", {"G0", "duplicate-elements", "cyclic-versions", "garbage-read", "PL-1-cycle-exists"}},
    {"prefix", {"internal", "G1a"}},
    {"PL-SI", {"internal", "G1", "G-SI", "G-nonadjacent", "PL-SI-cycle-exists"}},
    {"read-atomic", {"internal", "G1a", "future-read"}},
    {"PL-2.99", {"G1", "G2-item", "PL-2.99-cycle-exists", "lost-update"}},
    {"update-atomic", {"lost-update"}},
    {"PL-SS", {"G1", "G1c-realtime", "G2-realtime", "PL-SS-cycle-exists"}},
    {"strong-session-PL-1", {"strong-session-PL-1-cycle-exists", "G0-process"}},
    {"strong-session-PL-2", {"strong-session-PL-2-cycle-exists", "G1c-process"}},
    {"strong-PL-1", {"strong-PL-1-cycle-exists", "G0-realtime"}},
    {"strong-PL-2", {"strong-PL-2-cycle-exists", "G1c-realtime"}},
    {"strong-session-snapshot-isolation",
     {"internal", "G1-process", "G-nonadjacent-process", "strong-session-snapshot-isolation-cycle-exists"}},
    {"strong-snapshot-isolation",
     {"internal", "G1-realtime", "G-nonadjacent-realtime", "strong-snapshot-isolation-cycle-exists"}},
    {"strong-session-serializable", {"G1-process", "G2-process", "strong-session-serializable-cycle-exists"}},
    {"PL-3U", {"G1", "G-update"}},
};

// Models about single objects: left out of "strongest possible".
const Names kSingleObject = {"linearizable", "sequential",       "causal",           "writes-follow-reads",
                             "PRAM",         "monotonic-reads", "monotonic-writes", "read-your-writes"};

struct Dag {
  std::map<std::string, std::vector<std::string>> out, in;
  Names vertices;
  void link(const std::string& a, const std::string& b) {
    out[a].push_back(b);
    in[b].push_back(a);
    vertices.insert(a);
    vertices.insert(b);
  }
  // The starts and everything reachable from them along `dir`.
  Names closure(const Names& starts, bool forward) const {
    const auto& adj = forward ? out : in;
    Names seen(starts.begin(), starts.end());
    std::deque<std::string> todo(starts.begin(), starts.end());
    while (!todo.empty()) {
      std::string v = std::move(todo.front());
      todo.pop_front();
      auto it = adj.find(v);
      if (it == adj.end()) continue;
      for (const std::string& w : it->second)
        if (seen.insert(w).second) todo.push_back(w);
    }
    return seen;
  }
};

struct Lattice {
  Dag implied, models, proscribed;
  std::map<std::string, std::string> canonical, friendly;
  std::map<std::string, int> depth;
  Names anomalies;

  Lattice() {
    for (const auto& [from, to] : kCanonical) canonical[from] = to;
    for (const auto& [from, to] : kCanonical) friendly[to] = from;
    friendly["PL-3"] = "serializable";
    friendly["PL-SS"] = "strong-serializable";
    auto canon = [&](const std::string& m) {
      auto it = canonical.find(m);
      return it == canonical.end() ? m : it->second;
    };
    for (const auto& [a, bs] : kImplied)
      for (const char* b : bs) implied.link(a, b);
    for (const auto& [a, bs] : kModels)
      for (const char* b : bs) models.link(canon(a), canon(b));
    for (const auto& [m, as] : kProscribed)
      for (const char* a : as) proscribed.link(canon(m), a);
    // Depths: longest distance from a root in implied ∪ severity (Kahn layers).
    Dag order = implied;
    for (const auto& [a, bs] : kSeverity)
      for (const char* b : bs) order.link(a, b);
    std::map<std::string, int> indegree;
    for (const std::string& v : order.vertices) indegree[v] = 0;
    for (const auto& [v, ws] : order.out)
      for (const std::string& w : ws) ++indegree[w];
    std::vector<std::string> layer;
    for (const auto& [v, d] : indegree)
      if (d == 0) layer.push_back(v);
    for (int level = 0; !layer.empty(); ++level) {
      std::vector<std::string> next;
      for (const std::string& v : layer) {
        depth[v] = level;
        auto it = order.out.find(v);
        if (it == order.out.end()) continue;
        for (const std::string& w : it->second)
          if (--indegree[w] == 0) next.push_back(w);
      }
      layer = std::move(next);
    }
    for (const auto& [m, as] : kProscribed)
      for (const char* a : as) depth.emplace(a, 0);
    for (const auto& [a, d] : depth) anomalies.insert(a);
  }
  std::string canon(const std::string& m) const {
    auto it = canonical.find(m);
    return it == canonical.end() ? m : it->second;
  }
};

const Lattice& lattice() {
  static const Lattice l;
  return l;
}

}  // namespace

bool known_model(const std::string& model) {
  const Lattice& l = lattice();
  return l.models.vertices.count(l.canon(model)) || l.canonical.count(model);
}

std::vector<std::string> model_names() {
  const Lattice& l = lattice();
  Names all = l.models.vertices;
  for (const auto& [friendly, canonical] : l.canonical) {
    all.insert(friendly);
    all.insert(canonical);
  }
  return {all.begin(), all.end()};
}

bool known_anomaly(const std::string& anomaly) { return lattice().anomalies.count(anomaly) > 0; }

Names implied_anomalies(const Names& anomalies) { return lattice().implied.closure(anomalies, true); }

Names anomalies_implying(const Names& anomalies) { return lattice().implied.closure(anomalies, false); }

std::string canonical_model(const std::string& model) { return lattice().canon(model); }

std::string friendly_model(const std::string& model) {
  const Lattice& l = lattice();
  auto it = l.friendly.find(model);
  return it == l.friendly.end() ? model : it->second;
}

Names models_above(const Names& models) { return lattice().models.closure(models, false); }

Names anomalies_prohibited_by(const Names& models) {
  const Lattice& l = lattice();
  Names canon;
  for (const std::string& m : models) canon.insert(l.canon(m));
  Names forbidden;
  for (const std::string& m : l.models.closure(canon, true)) {
    auto it = l.proscribed.out.find(m);
    if (it != l.proscribed.out.end()) forbidden.insert(it->second.begin(), it->second.end());
  }
  return anomalies_implying(forbidden);
}

Names impossible_models(const Names& anomalies) {
  const Lattice& l = lattice();
  Names direct;
  for (const std::string& a : implied_anomalies(anomalies)) {
    auto it = l.proscribed.in.find(a);
    if (it != l.proscribed.in.end()) direct.insert(it->second.begin(), it->second.end());
  }
  return models_above(direct);
}

Boundary boundary(const Names& anomalies) {
  const Lattice& l = lattice();
  Names impossible = impossible_models(anomalies);
  Boundary b;
  Names weakest, rest;
  // The weakest: ruled-out models no other ruled-out model lies below.
  for (const std::string& m : impossible) {
    Names below = l.models.closure({m}, true);
    below.erase(m);
    bool covered = std::any_of(below.begin(), below.end(), [&](const std::string& x) { return impossible.count(x); });
    (covered ? rest : weakest).insert(friendly_model(m));
  }
  b.not_models.assign(weakest.begin(), weakest.end());
  b.also_not.assign(rest.begin(), rest.end());
  Names strongest;
  for (const std::string& m : l.models.vertices) {
    if (impossible.count(m) || kSingleObject.count(m)) continue;
    Names above = l.models.closure({m}, false);
    above.erase(m);
    bool covered = std::any_of(above.begin(), above.end(), [&](const std::string& x) {
      return !impossible.count(x) && !kSingleObject.count(x);
    });
    if (!covered) strongest.insert(friendly_model(m));
  }
  b.strongest_possible.assign(strongest.begin(), strongest.end());
  return b;
}

int anomaly_depth(const std::string& anomaly) {
  const Lattice& l = lattice();
  auto it = l.depth.find(anomaly);
  return it == l.depth.end() ? 0 : it->second;
}

}  // namespace fl::txn
