#include "checkers/txn/cycles.h"

#include <algorithm>
#include <utility>

#include "checkers/txn/consistency.h"

namespace fl::txn {

Rels primary_rel(Rels rels, const Priority& priority) {
  for (Rels r : priority)
    if (rels & r) return r;
  return 0;
}

std::vector<std::vector<std::uint32_t>> strongly_connected(std::size_t n, const std::vector<std::uint32_t>& offset,
                                                           const std::vector<std::uint32_t>& to) {
  // Tarjan's algorithm, iterative (a million-vertex chain must not recurse).
  constexpr std::uint32_t kUnseen = 0xffffffffu;
  std::vector<std::uint32_t> index(n, kUnseen), low(n, 0);
  std::vector<char> on_stack(n, 0);
  std::vector<std::uint32_t> stack;
  struct Frame {
    std::uint32_t v, next;
  };
  std::vector<Frame> calls;
  std::vector<std::vector<std::uint32_t>> out;
  std::uint32_t counter = 0;
  for (std::uint32_t root = 0; root < n; ++root) {
    if (index[root] != kUnseen) continue;
    auto enter = [&](std::uint32_t v) {
      index[v] = low[v] = counter++;
      stack.push_back(v);
      on_stack[v] = 1;
      calls.push_back(Frame{v, offset[v]});
    };
    enter(root);
    while (!calls.empty()) {
      Frame& f = calls.back();
      std::uint32_t v = f.v;
      if (f.next < offset[v + 1]) {
        std::uint32_t w = to[f.next++];
        if (index[w] == kUnseen)
          enter(w);
        else if (on_stack[w])
          low[v] = std::min(low[v], index[w]);
        continue;
      }
      calls.pop_back();
      if (!calls.empty()) low[calls.back().v] = std::min(low[calls.back().v], low[v]);
      if (low[v] != index[v]) continue;
      std::vector<std::uint32_t> component;
      std::uint32_t w;
      do {
        w = stack.back();
        stack.pop_back();
        on_stack[w] = 0;
        component.push_back(w);
      } while (w != v);
      bool nontrivial = component.size() > 1;
      if (!nontrivial)
        for (std::uint32_t e = offset[v]; e < offset[v + 1]; ++e) nontrivial |= to[e] == v;
      if (nontrivial) {
        std::sort(component.begin(), component.end());
        out.push_back(std::move(component));
      }
    }
  }
  return out;
}

namespace {

using Clock = std::chrono::steady_clock;

// A component's edges in local numbering, as adjacency arrays.
struct Local {
  std::size_t n = 0;
  std::vector<std::uint32_t> offset, to;
  std::vector<Rels> rels;
};

Local project(const Local& g, Rels keep) {
  Local p;
  p.n = g.n;
  p.offset.assign(g.n + 1, 0);
  for (std::size_t v = 0; v < g.n; ++v) {
    for (std::uint32_t e = g.offset[v]; e < g.offset[v + 1]; ++e)
      if (g.rels[e] & keep) {
        p.to.push_back(g.to[e]);
        p.rels.push_back(g.rels[e] & keep);
      }
    p.offset[v + 1] = static_cast<std::uint32_t>(p.to.size());
  }
  return p;
}

// Elle's sequential extension A ∪ A;B: a step through A, optionally followed
// by one step through B (so B-edges never follow each other).
Local extension(const Local& a, const Local& b) {
  Local x;
  x.n = a.n;
  x.offset.assign(a.n + 1, 0);
  std::vector<std::uint32_t> mark(a.n, 0xffffffffu);
  for (std::uint32_t v = 0; v < a.n; ++v) {
    auto add = [&](std::uint32_t w) {
      if (mark[w] == v) return;
      mark[w] = v;
      x.to.push_back(w);
    };
    for (std::uint32_t e = a.offset[v]; e < a.offset[v + 1]; ++e) {
      std::uint32_t y = a.to[e];
      add(y);
      for (std::uint32_t f = b.offset[y]; f < b.offset[y + 1]; ++f) add(b.to[f]);
    }
    x.offset[v + 1] = static_cast<std::uint32_t>(x.to.size());
  }
  return x;
}

struct ExistsSpec {
  const char* model;  // canonical
  Rels a, b;          // b != 0: the extension A ∪ A;B
};

// Elle's cycle-exists specs, in its order (canonical model names).
const ExistsSpec kExistsSpecs[] = {
    {"PL-1", kWW, 0},
    {"PL-2", kWW | kWR, 0},
    {"PL-SI", kWW | kWR, kRW},
    {"PL-2.99", kWW | kWR | kRW, 0},
    {"PL-3", kWW | kWR | kRW, 0},
    {"strong-session-PL-1", kWW | kProcess, 0},
    {"strong-session-PL-2", kWW | kWR | kProcess, 0},
    {"strong-session-snapshot-isolation", kWW | kWR | kProcess, kRW},
    {"strong-session-serializable", kWW | kWR | kRW | kProcess, 0},
    {"strong-PL-1", kWW | kRealtime, 0},
    {"strong-PL-2", kWW | kWR | kRealtime, 0},
    {"strong-snapshot-isolation", kWW | kWR | kRealtime, kRW},
    {"PL-SS", kWW | kWR | kRW | kRealtime, 0},
};

std::string rels_text(Rels r) {
  std::string s;
  for (Rels one : {kWW, kWR, kRW, kProcess, kRealtime})
    if (r & one) s += (s.empty() ? "" : " ∪ ") + std::string(rel_name(one));
  return s;
}

// ---- classified cycle search ----

enum Base { kG0, kG1c, kGSingle, kGNonadjacent, kG2Item };
const char* kBaseNames[] = {"G0", "G1c", "G-single-item", "G-nonadjacent-item", "G2-item"};

// Path state bits: rw count (0, 1, 2 = two or more), an adjacent rw pair seen,
// last and first step rw, a wr step seen, a process/realtime step seen.
constexpr std::uint8_t kRwCount = 3, kAdj = 4, kLast = 8, kFirst = 16, kSawWr = 32, kSawVar = 64;

struct ClassSpec {
  std::string name;
  Base base;
  Rels variant;   // 0, kProcess or kRealtime
  Rels allowed;   // labels a step may have
  std::uint8_t keep;  // state bits that matter for this class
};

std::vector<ClassSpec> class_specs() {
  std::vector<ClassSpec> v;
  for (int b = kG0; b <= kG2Item; ++b)
    for (Rels var : {Rels{0}, kProcess, kRealtime}) {
      ClassSpec c;
      c.base = static_cast<Base>(b);
      c.variant = var;
      c.name = std::string(kBaseNames[b]) + (var == kProcess ? "-process" : var == kRealtime ? "-realtime" : "");
      Rels data = b == kG0 ? kWW : b == kG1c ? Rels(kWW | kWR) : kData;
      c.allowed = data | var;
      std::uint8_t keep = var ? kSawVar : 0;
      switch (c.base) {
        case kG0: break;
        case kG1c: keep |= kSawWr; break;
        case kGSingle: keep |= kRwCount; break;
        case kGNonadjacent: keep |= kRwCount | kLast | kFirst; break;
        case kG2Item: keep |= kRwCount | kAdj | kLast | kFirst; break;
      }
      c.keep = keep;
      v.push_back(c);
    }
  std::sort(v.begin(), v.end(), [](const ClassSpec& a, const ClassSpec& b) {
    int da = anomaly_depth(a.name), db = anomaly_depth(b.name);
    return da != db ? da < db : a.name < b.name;
  });
  return v;
}

std::uint8_t step_state(std::uint8_t st, Rels label, bool first) {
  if (label == kRW) {
    if (st & kLast) st |= kAdj;
    std::uint8_t rw = st & kRwCount;
    st = static_cast<std::uint8_t>((st & ~kRwCount) | (rw < 2 ? rw + 1 : 2));
    st |= kLast;
    if (first) st |= kFirst;
  } else {
    st &= static_cast<std::uint8_t>(~kLast);
    if (label == kWR) st |= kSawWr;
    if (label & (kProcess | kRealtime)) st |= kSawVar;
  }
  return st;
}

// Does a closed path ending in state st belong to the class?
bool accepts(const ClassSpec& c, std::uint8_t st) {
  if (c.variant && !(st & kSawVar)) return false;
  int rw = st & kRwCount;
  bool adj = (st & kAdj) || ((st & kLast) && (st & kFirst));
  switch (c.base) {
    case kG0: return rw == 0 && !(st & kSawWr);
    case kG1c: return rw == 0 && (st & kSawWr);
    case kGSingle: return rw == 1;
    case kGNonadjacent: return rw == 2 && !adj;
    case kG2Item: return rw == 2 && adj;
  }
  return false;
}

bool pruned(const ClassSpec& c, std::uint8_t st) {
  if (c.base == kGSingle) return (st & kRwCount) > 1;
  if (c.base == kGNonadjacent) return (st & kAdj) != 0;
  return false;
}

class Searcher {
 public:
  Searcher(const Local& g, Clock::time_point deadline) : g_(g), deadline_(deadline) {
    seen_.assign(g.n * 4, 0);
  }
  bool timed_out() const { return timed_out_; }

  // The shortest simple cycle of class c, in local numbering; false if none.
  // Every cycle of the class lies inside one component of the subgraph of
  // the labels the class allows, and passes through an edge of each label
  // it requires (wr for G1c, rw for the rw classes, process or realtime for
  // the variants): the search starts only at tails of the rarest of those.
  bool find(const ClassSpec& c, std::vector<std::uint32_t>& verts, std::vector<Rels>& labels) {
    Local proj = project(g_, c.allowed);
    comp_.assign(g_.n, -1);
    auto comps = strongly_connected(proj.n, proj.offset, proj.to);
    for (std::size_t i = 0; i < comps.size(); ++i)
      for (std::uint32_t v : comps[i]) comp_[v] = static_cast<std::int32_t>(i);
    if (comps.empty()) return false;
    std::vector<Rels> required;
    if (c.base == kG1c) required.push_back(kWR);
    if (c.base >= kGSingle) required.push_back(kRW);
    if (c.variant) required.push_back(c.variant);
    std::vector<std::uint32_t> starts;
    lowest_first_ = required.empty();
    if (lowest_first_) {
      for (const auto& comp : comps) starts.insert(starts.end(), comp.begin(), comp.end());
      std::sort(starts.begin(), starts.end());
    } else {
      std::vector<std::vector<std::uint32_t>> tails(required.size());
      for (std::uint32_t v = 0; v < g_.n; ++v)
        for (std::uint32_t e = proj.offset[v]; e < proj.offset[v + 1]; ++e) {
          if (comp_[v] < 0 || comp_[v] != comp_[proj.to[e]]) continue;
          for (std::size_t r = 0; r < required.size(); ++r)
            if (proj.rels[e] == required[r] && (tails[r].empty() || tails[r].back() != v)) tails[r].push_back(v);
        }
      std::size_t rarest = 0;
      for (std::size_t r = 0; r < tails.size(); ++r) {
        if (tails[r].empty()) return false;  // no such edge inside a component
        if (tails[r].size() < tails[rarest].size()) rarest = r;
      }
      starts = std::move(tails[rarest]);
    }
    best_ = 0xffffffffu;
    std::vector<std::uint32_t> best_v;
    std::vector<Rels> best_l;
    bool walk_not_simple = false;
    for (std::uint32_t s : starts) {
      if (best_ <= 2 || timed_out_) break;
      std::vector<std::uint32_t> v;
      std::vector<Rels> l;
      if (!bfs(c, s, v, l)) continue;
      if (!simple(v)) {
        walk_not_simple = true;
        continue;
      }
      best_ = static_cast<std::uint32_t>(v.size());
      best_v = std::move(v);
      best_l = std::move(l);
    }
    if (best_v.empty() && walk_not_simple && !timed_out_) dfs_simple(c, best_v, best_l);
    if (best_v.empty()) return false;
    verts = std::move(best_v);
    labels = std::move(best_l);
    return true;
  }

 private:
  struct Rec {
    std::uint32_t v;
    std::int32_t parent;
    std::uint8_t st;
    Rels label;
    std::uint16_t depth;
  };

  bool tick() {
    if ((++work_ & 0xfff) == 0 && Clock::now() > deadline_) timed_out_ = true;
    return !timed_out_;
  }
  bool test_and_set(std::uint32_t v, std::uint8_t st) {
    std::uint64_t& w = seen_[v * 4 + (st >> 6)];
    std::uint64_t bit = std::uint64_t{1} << (st & 63);
    if (w & bit) return true;
    w |= bit;
    return false;
  }
  static bool simple(const std::vector<std::uint32_t>& v) {
    std::vector<std::uint32_t> s(v);
    std::sort(s.begin(), s.end());
    return std::adjacent_find(s.begin(), s.end()) == s.end();
  }

  // Breadth-first over (vertex, state) from s inside s's component, closing
  // back at s; shorter than best_ only. With no required label every cycle
  // is looked for from its lowest vertex only.
  bool bfs(const ClassSpec& c, std::uint32_t s, std::vector<std::uint32_t>& verts, std::vector<Rels>& labels) {
    recs_.clear();
    recs_.push_back(Rec{s, -1, 0, 0, 0});
    bool found = false;
    std::size_t end_rec = 0;
    Rels close_label = 0;
    for (std::size_t i = 0; i < recs_.size() && !found; ++i) {
      Rec r = recs_[i];
      if (r.depth + 1u >= best_) break;
      for (std::uint32_t e = g_.offset[r.v]; e < g_.offset[r.v + 1]; ++e) {
        if (!tick()) break;
        Rels label = g_.rels[e];
        if (!(label & c.allowed)) continue;
        std::uint32_t w = g_.to[e];
        if (comp_[w] != comp_[s] || (lowest_first_ && w < s)) continue;
        std::uint8_t st = step_state(r.st, label, r.depth == 0);
        if (w == s) {
          if (r.depth >= 1 && accepts(c, st)) {
            found = true;
            end_rec = i;
            close_label = label;
            break;
          }
          continue;
        }
        if (pruned(c, st)) continue;
        st &= c.keep;
        if (test_and_set(w, st)) continue;
        recs_.push_back(Rec{w, static_cast<std::int32_t>(i), st, label, static_cast<std::uint16_t>(r.depth + 1)});
      }
      if (timed_out_) break;
    }
    for (const Rec& r : recs_) seen_[r.v * 4 + (r.st >> 6)] = 0;
    if (!found) return false;
    verts.clear();
    labels.clear();
    labels.push_back(close_label);
    for (std::int32_t i = static_cast<std::int32_t>(end_rec); i >= 0; i = recs_[i].parent) {
      verts.push_back(recs_[i].v);
      if (recs_[i].parent >= 0) labels.push_back(recs_[i].label);
    }
    std::reverse(verts.begin(), verts.end());
    std::reverse(labels.begin(), labels.end());
    return true;
  }

  // Simple cycles only, by iterative deepening; for the rare class whose
  // shortest closed walk repeats a vertex (a nonadjacent-rw walk can).
  void dfs_simple(const ClassSpec& c, std::vector<std::uint32_t>& verts, std::vector<Rels>& labels) {
    std::vector<char> on_path(g_.n, 0);
    for (std::uint32_t len = 3; len <= 12 && verts.empty() && !timed_out_; ++len)
      for (std::uint32_t s = 0; s < g_.n && verts.empty() && !timed_out_; ++s) {
        path_v_.assign(1, s);
        path_l_.clear();
        on_path[s] = 1;
        if (dfs(c, s, 0, len, on_path)) {
          verts = path_v_;
          labels = path_l_;
        }
        on_path[s] = 0;
      }
  }
  bool dfs(const ClassSpec& c, std::uint32_t s, std::uint8_t st, std::uint32_t len, std::vector<char>& on_path) {
    std::uint32_t v = path_v_.back();
    std::uint32_t depth = static_cast<std::uint32_t>(path_l_.size());
    for (std::uint32_t e = g_.offset[v]; e < g_.offset[v + 1]; ++e) {
      if (!tick()) return false;
      Rels label = g_.rels[e];
      if (!(label & c.allowed)) continue;
      std::uint32_t w = g_.to[e];
      if (w < s || comp_[w] != comp_[s]) continue;
      std::uint8_t next = step_state(st, label, depth == 0);
      if (w == s) {
        if (depth + 1 == len && accepts(c, next)) {
          path_l_.push_back(label);
          return true;
        }
        continue;
      }
      if (on_path[w] || depth + 1 >= len || pruned(c, next)) continue;
      on_path[w] = 1;
      path_v_.push_back(w);
      path_l_.push_back(label);
      if (dfs(c, s, next, len, on_path)) return true;
      path_v_.pop_back();
      path_l_.pop_back();
      on_path[w] = 0;
    }
    return false;
  }

  const Local& g_;
  Clock::time_point deadline_;
  std::vector<std::uint64_t> seen_;
  std::vector<std::int32_t> comp_;  // component of the class's subgraph, -1 if none
  bool lowest_first_ = false;
  std::vector<Rec> recs_;
  std::vector<std::uint32_t> path_v_;
  std::vector<Rels> path_l_;
  std::uint32_t best_ = 0xffffffffu;
  std::uint64_t work_ = 0;
  bool timed_out_ = false;
};

}  // namespace

CycleReport find_cycles(const DepGraph& g, const Priority& priority, Clock::time_point deadline) {
  CycleReport report;
  auto sccs = strongly_connected(g.vertices(), g.offsets(), g.targets());
  report.sccs = sccs.size();
  static const std::vector<ClassSpec> classes = class_specs();
  Names cycle_types;
  for (const ClassSpec& c : classes) cycle_types.insert(c.name);
  std::vector<std::int32_t> local_of(g.vertices(), -1);
  for (const auto& scc : sccs) {
    if (report.timed_out) break;
    if (Clock::now() > deadline) {
      report.timed_out = true;
      report.timed_out_class = "any";
      report.timed_out_scc_size = scc.size();
      break;
    }
    for (std::uint32_t i = 0; i < scc.size(); ++i) local_of[scc[i]] = static_cast<std::int32_t>(i);
    Local all, single;
    all.n = single.n = scc.size();
    all.offset.assign(scc.size() + 1, 0);
    for (std::uint32_t i = 0; i < scc.size(); ++i) {
      std::uint32_t v = scc[i];
      for (std::uint32_t e = g.out_begin(v); e < g.out_end(v); ++e) {
        std::int32_t w = local_of[g.to(e)];
        if (w < 0) continue;
        all.to.push_back(static_cast<std::uint32_t>(w));
        all.rels.push_back(g.rels(e));
      }
      all.offset[i + 1] = static_cast<std::uint32_t>(all.to.size());
    }
    for (std::uint32_t v : scc) local_of[v] = -1;
    single = all;
    for (Rels& r : single.rels) r = primary_rel(r, priority);

    // Which models' forbidden subgraphs have a cycle here.
    Names ruled_out;  // canonical models
    for (const ExistsSpec& spec : kExistsSpecs) {
      if (ruled_out.count(spec.model)) continue;
      Local sub = spec.b ? extension(project(all, spec.a), project(all, spec.b)) : project(all, spec.a);
      auto comps = strongly_connected(sub.n, sub.offset, sub.to);
      if (comps.empty()) continue;
      auto smallest = std::min_element(comps.begin(), comps.end(),
                                       [](const auto& a, const auto& b) { return a.size() < b.size(); });
      CycleExists ce;
      ce.type = std::string(spec.model) + "-cycle-exists";
      ce.model = friendly_model(spec.model);
      ce.subgraph = spec.b ? "(" + rels_text(spec.a) + ") extended by one " + rels_text(spec.b) + " step"
                           : rels_text(spec.a);
      for (std::uint32_t l : *smallest) ce.scc.push_back(scc[l]);
      report.exists.push_back(std::move(ce));
      Names above = models_above({spec.model});
      ruled_out.insert(above.begin(), above.end());
    }
    // Cycle classes the models still possible here forbid cannot exist.
    Names possible;
    for (const ExistsSpec& spec : kExistsSpecs)
      if (!ruled_out.count(spec.model)) possible.insert(spec.model);
    Names skip;
    for (const std::string& a : anomalies_prohibited_by(possible))
      if (cycle_types.count(a)) skip.insert(a);

    Searcher searcher(single, deadline);
    for (const ClassSpec& c : classes) {
      if (skip.count(c.name)) continue;
      std::vector<std::uint32_t> verts;
      std::vector<Rels> labels;
      bool found = searcher.find(c, verts, labels);
      if (searcher.timed_out()) {
        report.timed_out = true;
        report.timed_out_class = c.name;
        report.timed_out_scc_size = scc.size();
        break;
      }
      if (!found) continue;
      Cycle cy;
      cy.type = c.name;
      for (std::uint32_t l : verts) cy.txns.push_back(scc[l]);
      cy.steps = std::move(labels);
      report.cycles.push_back(std::move(cy));
      Names implied = implied_anomalies({c.name});
      skip.insert(implied.begin(), implied.end());
    }
  }
  return report;
}

}  // namespace fl::txn
