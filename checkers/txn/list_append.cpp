// `txn-list-append`: Elle's checker for transactions of appends to and reads
// of lists (Kingsbury & Alvaro, "Elle: Inferring Isolation Anomalies from
// Experimental Observations", VLDB 2020, §4). Appends of unique values make
// every read reveal the order of the appends before it, so the longest read
// of a key gives its version order (every other read must be a prefix —
// else incompatible-order), and from it: ww (T2 appended right after T1's
// element), wr (T2 read a list ending in T1's element) and rw (T1 read a
// list that T2's append came right after). An append no read shows still
// comes after the last element any read shows. Non-cycle anomalies: G1a
// (aborted read), G1b (intermediate read), internal, future-read,
// dirty-update, duplicate-elements, lost-update, and garbage-read (an
// element no one appended, which Elle skips: every list starts empty, so
// it came from nowhere). Then cycles (cycles.h).
#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>

#include "checkers/txn/checks.h"
#include "checkers/txn/findings.h"
#include "checkers/txn/flat_map.h"
#include "checkers/txn/graph.h"
#include "history/error.h"

namespace fl {
namespace {

using namespace txn;

constexpr std::uint32_t kNone = 0xffffffffu;
constexpr std::uint32_t kInit = kNil;  // "the empty list" as a read's last element

constexpr std::uint32_t kNoPos = 0x7fffffffu;

// What is known of one appended element, by (key, element): 8 bytes.
struct Append {
  explicit Append(std::uint32_t appender = kNone) : txn(appender), pos(kNoPos), intermediate(0) {}
  std::uint32_t txn;               // the txn that appended it (any outcome)
  std::uint32_t pos : 31;          // its position in the key's version order (kNoPos: none)
  std::uint32_t intermediate : 1;  // the same txn appended to the key again later
};

// A read, by the state it saw: (key, last element or kInit), then reader.
struct Reader {
  std::uint32_t key, last, txn;
  bool operator<(const Reader& o) const {
    return key != o.key ? key < o.key : last != o.last ? last < o.last : txn < o.txn;
  }
  bool operator==(const Reader& o) const { return key == o.key && last == o.last && txn == o.txn; }
};

std::size_t append_count(const Txns& t) {
  std::size_t n = 0;
  for (const Txn& x : t.all())
    for (const Mop* m = t.mops_begin(x); m != t.mops_end(x); ++m) n += m->kind == MopKind::Append;
  return n;
}

struct Analysis {
  const Txns& t;
  Findings findings;
  FlatMap<Append> appends;
  bool any_failed = false;
  // key → the longest read (its mop), defining the version order, and its txn.
  std::vector<const Mop*> longest;
  std::vector<std::uint32_t> longest_txn;
  // The reads, sorted by state then reader (while the graph is built).
  std::vector<Reader> readers;

  explicit Analysis(const Txns& txns)
      : t(txns), appends(append_count(txns)), longest(txns.key_count(), nullptr), longest_txn(txns.key_count(), 0) {}

  static bool possible(const Txn& x) { return x.outcome != OpType::Fail; }
  std::uint32_t id(const Txn& x) const { return static_cast<std::uint32_t>(&x - t.all().data()); }
  const Append* append(std::uint32_t k, std::uint32_t v) const { return v == kInit ? nullptr : appends.find(pack_key_value(k, v)); }

  // The element appended just before `v` to key k, as far as the reads tell:
  // its predecessor in the version order, or — for an append no read shows —
  // the last element any read shows. kInit when it came first.
  std::uint32_t previous(std::uint32_t k, std::uint32_t v) const {
    const Append* a = append(k, v);
    const Mop* L = longest[k];
    if (a && a->pos != kNoPos) return a->pos == 0 ? kInit : t.elements(*L)[a->pos - 1];
    return L && L->len ? t.last_element(*L) : kInit;
  }
  // The ok or info txn that appended v to k.
  std::uint32_t writer_of(std::uint32_t k, std::uint32_t v) const {
    const Append* a = append(k, v);
    return a && a->txn != kNone && possible(t[a->txn]) ? a->txn : kNone;
  }
};

std::string read_text(const Txns& t, const Mop& m) {
  return m.len ? t.list(m) : std::string("[] (the initial state)");
}

// Every append, by (key, element); refuses what list-append cannot analyse.
void index_appends(Analysis& a) {
  const Txns& t = a.t;
  for (std::uint32_t i = 0; i < t.size(); ++i) {
    const Txn& x = t[i];
    if (x.failed()) a.any_failed = true;
    for (const Mop* m = t.mops_begin(x); m != t.mops_end(x); ++m) {
      if (m->kind == MopKind::Write)
        throw BadInput(t.source(), t.line(x),
                       "txn-list-append understands append and r micro-ops, not w (use txn-rw-register)");
      if (m->kind != MopKind::Append) continue;
      auto [info, fresh] = a.appends.try_emplace(pack_key_value(m->key, m->value), Append(i));
      if (!fresh)
        throw BadInput(t.source(), t.line(x),
                       fmt::format("value {} is appended to key {} more than once (op {} and op {}); list-append needs "
                                   "unique appends",
                                   t.value(m->value), t.key(m->key), t[info->txn].index, x.index));
      for (const Mop* n = m + 1; n != t.mops_end(x); ++n)
        if (n->kind == MopKind::Append && n->key == m->key) {
          info->intermediate = true;
          break;
        }
    }
  }
}

// When two reads disagree, one before a fault and one begun after it, and the
// element where the earlier read's list leaves the later one's was appended
// by a transaction that committed: an acknowledged append the fault lost (a
// power cut that took what was never made durable). The sentence naming the
// write, the read that saw it, the fault and the read that missed it; "" when
// the reads overlap, no fault lies between them, or the append was not
// acknowledged.
std::string lost_append(const Analysis& a, std::uint32_t key, const Txn& x, const Mop& mx, const Txn& y,
                        const Mop& my) {
  const Txns& t = a.t;
  auto done_before = [](const Txn& p, const Txn& q) { return p.complete_pos >= 0 && p.complete_pos < q.invoke_pos; };
  const bool x_first = done_before(x, y);
  if (!x_first && !done_before(y, x)) return "";
  const Txn& early = x_first ? x : y;
  const Txn& late = x_first ? y : x;
  const Mop& seen = x_first ? mx : my;
  const Mop& later = x_first ? my : mx;
  const std::uint32_t* e = t.elements(seen);
  const std::uint32_t* l = t.elements(later);
  std::uint32_t p = 0;
  while (p < seen.len && p < later.len && e[p] == l[p]) ++p;
  if (p == seen.len) return "";
  const Append* w = a.append(key, e[p]);
  if (!w || w->txn == kNone || !t[w->txn].ok()) return "";
  const Txns::Fault* f = t.fault_between(early.complete_pos, late.invoke_pos);
  if (!f) return "";
  return fmt::format(". An acknowledged append lost: {} appended {} (ok), {} read it, then {}; {}, begun after that, "
                     "read the list without it",
                     Txns::name(t[w->txn]), t.value(e[p]), Txns::name(early), f->text, Txns::name(late));
}

// Version orders, incompatible orders and duplicate elements.
void version_orders(Analysis& a) {
  const Txns& t = a.t;
  for (const Txn& x : t.all()) {
    if (!a.possible(x)) continue;
    for (const Mop* m = t.mops_begin(x); m != t.mops_end(x); ++m)
      if (m->kind == MopKind::Read && m->known && m->len && (!a.longest[m->key] || m->len > a.longest[m->key]->len)) {
        a.longest[m->key] = m;
        a.longest_txn[m->key] = a.id(x);
      }
  }
  // Positions: the distinct elements of the longest read, in order; the
  // first position where an element repeats (for duplicate-elements).
  std::vector<std::uint32_t> first_dup(t.key_count(), kNone);
  for (std::uint32_t k = 0; k < t.key_count(); ++k) {
    const Mop* L = a.longest[k];
    if (!L) continue;
    const std::uint32_t* e = t.elements(*L);
    std::uint32_t pos = 0;
    for (std::uint32_t i = 0; i < L->len; ++i) {
      Append* info = a.appends.try_emplace(pack_key_value(k, e[i]), Append()).first;
      if (info->pos == kNoPos) info->pos = pos++;
      else if (first_dup[k] == kNone) first_dup[k] = i;
    }
  }
  std::vector<char> incompatible_reported(t.key_count(), 0);
  for (const Txn& x : t.all()) {
    if (!a.possible(x)) continue;
    for (const Mop* m = t.mops_begin(x); m != t.mops_end(x); ++m) {
      if (m->kind != MopKind::Read || !m->known || !m->len) continue;
      const Mop* L = a.longest[m->key];
      const std::uint32_t* mine = t.elements(*m);
      const std::uint32_t* theirs = t.elements(*L);
      bool prefix = std::equal(mine, mine + m->len, theirs);
      bool dup = false;
      if (prefix) {
        dup = first_dup[m->key] != kNone && m->len > first_dup[m->key];
      } else {
        std::vector<std::uint32_t> s(mine, mine + m->len);
        std::sort(s.begin(), s.end());
        dup = std::adjacent_find(s.begin(), s.end()) != s.end();
        if (!incompatible_reported[m->key]) {
          incompatible_reported[m->key] = 1;
          const Txn* owner = &t[a.longest_txn[m->key]];
          a.findings.add("incompatible-order", {x.index, owner->index},
                         fmt::format("reads of key {} disagree: {} read {} and {} read {}; no one order of appends "
                                     "gives both{}",
                                     t.key(m->key), Txns::name(x), t.list(*m), Txns::name(*owner), t.list(*L),
                                     lost_append(a, m->key, x, *m, *owner, *L)));
        }
      }
      if (dup)
        a.findings.add("duplicate-elements", {x.index},
                       fmt::format("{} read key {} = {}, which holds an element more than once, though every value is "
                                   "appended once",
                                   Txns::name(x), t.key(m->key), t.list(*m)));
    }
  }
}

// Anomalies inside one transaction, and reads of failed or intermediate writes.
void single_txn_anomalies(Analysis& a) {
  const Txns& t = a.t;
  // internal (Cerone et al.'s INT): a read must agree with the txn's own
  // earlier reads and appends of that key; after appends to a key not yet
  // read, only the tail of the list is known.
  struct KeyState {
    std::uint32_t key;
    bool prefix_known;                 // else only the tail is known
    const std::uint32_t* base;         // the txn's last read of the key…
    std::uint32_t base_len;
    std::vector<std::uint32_t> tail;   // …and its appends since
  };
  std::vector<KeyState> state;
  for (std::uint32_t i = 0; i < t.size(); ++i) {
    const Txn& x = t[i];
    if (!x.ok()) continue;
    state.clear();
    bool internal_found = false, future_found = false;
    for (const Mop* m = t.mops_begin(x); m != t.mops_end(x); ++m) {
      auto st = std::find_if(state.begin(), state.end(), [&](const KeyState& s) { return s.key == m->key; });
      if (m->kind == MopKind::Append) {
        if (st == state.end()) {
          state.push_back(KeyState{m->key, false, nullptr, 0, {}});
          st = state.end() - 1;
        }
        st->tail.push_back(m->value);
        // future-read: an earlier read in this txn already held this value.
        for (const Mop* r = t.mops_begin(x); r != m && !future_found; ++r)
          if (r->kind == MopKind::Read && r->key == m->key &&
              std::find(t.elements(*r), t.elements(*r) + r->len, m->value) != t.elements(*r) + r->len) {
            future_found = true;
            a.findings.add("future-read", {x.index},
                           fmt::format("{} read key {} = {}, which holds {}, that {} itself appends only later",
                                       Txns::name(x), t.key(m->key), t.list(*r), t.value(m->value), Txns::name(x)));
          }
        continue;
      }
      const std::uint32_t* e = t.elements(*m);
      if (!internal_found && st != state.end()) {
        std::size_t tail = st->tail.size();
        bool consistent =
            st->prefix_known
                ? m->len == st->base_len + tail && std::equal(st->base, st->base + st->base_len, e) &&
                      std::equal(st->tail.begin(), st->tail.end(), e + st->base_len)
                : m->len >= tail && std::equal(st->tail.begin(), st->tail.end(), e + (m->len - tail));
        if (!consistent) {
          internal_found = true;
          std::string expected;
          for (std::uint32_t j = 0; j < st->base_len; ++j) expected += (expected.empty() ? "" : " ") + t.value(st->base[j]);
          for (std::uint32_t v : st->tail) expected += (expected.empty() ? "" : " ") + t.value(v);
          a.findings.add("internal", {x.index},
                         fmt::format("{} read key {} = {}, but its own earlier reads and appends say it must be "
                                     "{}{}]",
                                     Txns::name(x), t.key(m->key), read_text(t, *m), st->prefix_known ? "[" : "[… ",
                                     expected));
        }
      }
      if (st == state.end()) {
        state.push_back(KeyState{m->key, true, nullptr, 0, {}});
        st = state.end() - 1;
      }
      st->prefix_known = true;
      st->base = e;
      st->base_len = m->len;
      st->tail.clear();
    }
    for (const Mop* m = t.mops_begin(x); m != t.mops_end(x); ++m) {
      if (m->kind != MopKind::Read) continue;
      const std::uint32_t* e = t.elements(*m);
      // garbage-read: elements no transaction (of any outcome) appended.
      // Every key starts as the empty list, so each element of a list was
      // appended by someone; Elle's list-append skips these silently.
      std::string unknown;
      std::uint32_t unknown_count = 0;
      for (std::uint32_t j = 0; j < m->len; ++j) {
        const Append* w = a.append(m->key, e[j]);
        if (w && w->txn != kNone) continue;
        if (++unknown_count <= 3) unknown += (unknown.empty() ? "" : ", ") + t.value(e[j]);
      }
      if (unknown_count)
        a.findings.add("garbage-read", {x.index},
                       fmt::format("{} read key {} = {}, which holds {}{}, that no transaction appended (read out of "
                                   "thin air)",
                                   Txns::name(x), t.key(m->key), t.list(*m), unknown,
                                   unknown_count > 3 ? fmt::format(" and {} more", unknown_count - 3) : ""));
      for (std::uint32_t j = 0; j < m->len && a.any_failed; ++j) {
        const Append* w = a.append(m->key, e[j]);
        if (!w || w->txn == kNone || !t[w->txn].failed()) continue;
        a.findings.add("G1a", {t[w->txn].index, x.index},
                       fmt::format("{} read key {} = {}, which holds {}, appended by {}, which failed",
                                   Txns::name(x), t.key(m->key), t.list(*m), t.value(e[j]), Txns::name(t[w->txn])));
      }
      if (!m->len) continue;
      const Append* im = a.append(m->key, e[m->len - 1]);
      if (im && im->intermediate && im->txn != i)
        a.findings.add("G1b", {t[im->txn].index, x.index},
                       fmt::format("{} read key {} = {}, ending in {}, which {} appended and then appended more to "
                                   "(an intermediate state)",
                                   Txns::name(x), t.key(m->key), t.list(*m), t.value(e[m->len - 1]),
                                   Txns::name(t[im->txn])));
    }
  }
}

// Two committed txns that read the same state of a key and both appended to it.
void lost_updates(Analysis& a) {
  const Txns& t = a.t;
  // (key, list) → txns; lists compared by content.
  std::unordered_map<std::uint64_t, std::vector<std::pair<std::uint32_t, const Mop*>>> groups;
  for (std::uint32_t i = 0; i < t.size(); ++i) {
    const Txn& x = t[i];
    if (!x.ok()) continue;
    std::vector<std::pair<std::uint32_t, const Mop*>> first_read;  // key → first read
    std::vector<std::uint32_t> wrote;
    for (const Mop* m = t.mops_begin(x); m != t.mops_end(x); ++m) {
      auto fr = std::find_if(first_read.begin(), first_read.end(), [&](const auto& p) { return p.first == m->key; });
      if (m->kind == MopKind::Read) {
        if (fr == first_read.end()) first_read.emplace_back(m->key, m);
        continue;
      }
      if (fr == first_read.end() || std::find(wrote.begin(), wrote.end(), m->key) != wrote.end()) continue;
      wrote.push_back(m->key);
      const Mop* r = fr->second;
      std::uint64_t h = pack_key_value(m->key, r->len) * 0x9e3779b97f4a7c15ULL;
      for (std::uint32_t j = 0; j < r->len; ++j) h = (h ^ t.elements(*r)[j]) * 0x100000001b3ULL;
      groups[h].emplace_back(i, r);
    }
  }
  for (auto& [h, members] : groups) {
    if (members.size() < 2) continue;
    // Same hash: split by actual content.
    std::vector<char> used(members.size(), 0);
    for (std::size_t p = 0; p < members.size(); ++p) {
      if (used[p]) continue;
      const Mop* r = members[p].second;
      std::vector<std::int64_t> ops{t[members[p].first].index};
      std::string names = Txns::name(t[members[p].first]);
      for (std::size_t q = p + 1; q < members.size(); ++q) {
        const Mop* s = members[q].second;
        if (used[q] || s->key != r->key || s->len != r->len ||
            !std::equal(t.elements(*r), t.elements(*r) + r->len, t.elements(*s)))
          continue;
        used[q] = 1;
        ops.push_back(t[members[q].first].index);
        names += " and " + Txns::name(t[members[q].first]);
      }
      if (ops.size() < 2) continue;
      a.findings.add("lost-update", ops,
                     fmt::format("{} all read key {} = {} and then appended to it: each update was made without "
                                 "seeing the others",
                                 names, t.key(r->key), read_text(t, *r)));
    }
  }
}

// dirty-update: in some key's version order (here including what failed
// txns read), a committed append comes after a failed one with only
// indeterminate appends between them.
void dirty_updates(Analysis& a) {
  const Txns& t = a.t;
  if (!a.any_failed) return;
  std::vector<const Mop*> longest(t.key_count(), nullptr);
  for (std::uint32_t i = 0; i < t.size(); ++i) {
    const Txn& x = t[i];
    if (x.complete_pos < 0) continue;
    for (const Mop* m = t.mops_begin(x); m != t.mops_end(x); ++m)
      if (m->kind == MopKind::Read && m->known && m->len && (!longest[m->key] || m->len > longest[m->key]->len))
        longest[m->key] = m;
  }
  for (std::uint32_t k = 0; k < t.key_count(); ++k) {
    const Mop* L = longest[k];
    if (!L) continue;
    OpType last = OpType::Ok;  // the initial state is committed
    std::uint32_t last_txn = kNone, last_value = kNone;
    for (std::uint32_t j = 0; j < L->len; ++j) {
      std::uint32_t v = t.elements(*L)[j];
      const Append* w = a.append(k, v);
      if (!w || w->txn == kNone || t[w->txn].complete_pos < 0) continue;
      const Txn& x = t[w->txn];
      if (x.outcome == OpType::Info) continue;  // may or may not be there: keep the last certain state
      if (x.ok() && last == OpType::Fail)
        a.findings.add("dirty-update", {t[last_txn].index, x.index},
                       fmt::format("key {}: {} appended {} on top of {}'s {}, though {} failed", t.key(k),
                                   Txns::name(x), t.value(v), Txns::name(t[last_txn]), t.value(last_value),
                                   Txns::name(t[last_txn])));
      if (x.failed() && last == OpType::Fail) continue;  // keep the first failed one
      last = x.outcome;
      last_txn = w->txn;
      last_value = v;
    }
  }
}

// Every read by the state it saw (for rw edges).
void index_readers(Analysis& a) {
  const Txns& t = a.t;
  for (int pass = 0; pass < 2; ++pass) {  // count, then fill: no copy of a growing array
    std::size_t n = 0;
    for (std::uint32_t i = 0; i < t.size(); ++i) {
      const Txn& x = t[i];
      if (!a.possible(x)) continue;
      for (const Mop* m = t.mops_begin(x); m != t.mops_end(x); ++m) {
        if (m->kind != MopKind::Read || !m->known) continue;
        if (pass == 1) a.readers.push_back(Reader{m->key, t.last_element(*m), i});
        ++n;
      }
    }
    if (pass == 0) a.readers.reserve(n);
  }
  std::sort(a.readers.begin(), a.readers.end());
  a.readers.erase(std::unique(a.readers.begin(), a.readers.end()), a.readers.end());
}

void dependencies(const Analysis& a, DepGraph& g) {
  const Txns& t = a.t;
  for (std::uint32_t i = 0; i < t.size(); ++i) {
    const Txn& x = t[i];
    if (!a.possible(x)) continue;
    for (const Mop* m = t.mops_begin(x); m != t.mops_end(x); ++m) {
      if (m->kind == MopKind::Read && m->known) {
        std::uint32_t w = a.writer_of(m->key, t.last_element(*m));
        if (w != kNone) g.link(w, i, kWR);
      }
      if (m->kind != MopKind::Append) continue;
      std::uint32_t prev = a.previous(m->key, m->value);
      std::uint32_t w = a.writer_of(m->key, prev);
      if (w != kNone) g.link(w, i, kWW);
      auto r = std::lower_bound(a.readers.begin(), a.readers.end(), Reader{m->key, prev, 0});
      for (; r != a.readers.end() && r->key == m->key && r->last == prev; ++r) g.link(r->txn, i, kRW);
    }
  }
}

// Why b follows a, for one reason, in a sentence.
std::string explain(const Analysis& a, std::uint32_t ia, std::uint32_t ib, Rels rel) {
  const Txns& t = a.t;
  const Txn& x = t[ia];
  const Txn& y = t[ib];
  if (rel == kProcess || rel == kRealtime) return order_step(t, ia, ib, rel);
  for (const Mop* m = t.mops_begin(y); m != t.mops_end(y); ++m) {
    if (rel == kWR && m->kind == MopKind::Read && m->known && m->len &&
        a.writer_of(m->key, t.last_element(*m)) == ia)
      return fmt::format("{} appended {} to key {}, and {} read {}, which ends there", Txns::name(x),
                         t.value(t.last_element(*m)), t.key(m->key), Txns::name(y), t.list(*m));
    if (m->kind != MopKind::Append) continue;
    std::uint32_t prev = a.previous(m->key, m->value);
    if (rel == kWW && prev != kInit && a.writer_of(m->key, prev) == ia)
      return fmt::format("{} appended {} to key {} right after {}'s {}", Txns::name(y), t.value(m->value),
                         t.key(m->key), Txns::name(x), t.value(prev));
    if (rel == kRW)
      for (const Mop* r = t.mops_begin(x); r != t.mops_end(x); ++r)
        if (r->kind == MopKind::Read && r->known && r->key == m->key && t.last_element(*r) == prev)
          return prev == kInit ? fmt::format("{} read key {} empty, and {}'s append of {} was its first element",
                                             Txns::name(x), t.key(m->key), Txns::name(y), t.value(m->value))
                               : fmt::format("{} read key {} = {}, before {} appended {} (next in the version "
                                             "order)",
                                             Txns::name(x), t.key(m->key), t.list(*r), Txns::name(y),
                                             t.value(m->value));
  }
  return fmt::format("{} precedes {} ({})", Txns::name(x), Txns::name(y), rel_name(rel));
}

class ListAppendChecker : public Checker {
 public:
  std::string name() const override { return "txn-list-append"; }
  std::string description() const override {
    return "transactions of appends and list reads (Elle): dependency cycles G0…G2, aborted / intermediate reads, "
           "lost updates; the consistency models ruled out";
  }
  CheckResult check(const History& h, const CheckOptions& opts) const override {
    return check_list_append(Txns(h, ReadShape::List), opts);
  }
};

}  // namespace

CheckResult txn::check_list_append(const Txns& txns, const CheckOptions& opts) {
  TxnOptions o = TxnOptions::from(opts);
  txns.throw_if_bad();
  Analysis a(txns);
  index_appends(a);
  version_orders(a);
  single_txn_anomalies(a);
  lost_updates(a);
  dirty_updates(a);
  index_readers(a);
  Rels order = o.extra_order();
  DepGraph g(txns.size());
  g.build(
      [&](DepGraph& edges) {
        dependencies(a, edges);
        if (order == kRealtime) add_realtime_order(edges, txns);
        if (order == kProcess) add_process_order(edges, txns);
      },
      [&] { std::vector<Reader>().swap(a.readers); });
  if (g.edges() == 0) a.findings.add("empty-transaction-graph", {}, "no dependency between transactions could be inferred");
  CycleReport cycles = find_cycles(g, kListAppendPriority, o.deadline);
  a.findings.add_cycles(txns, cycles,
                        [&](std::uint32_t x, std::uint32_t y, Rels rel) { return explain(a, x, y, rel); });
  CheckResult r = a.findings.result(o, "txn-list-append");
  r.detail["txns"] = txns.size();
  r.detail["edges"] = g.edges();
  r.detail["sccs"] = cycles.sccs;
  return r;
}

std::unique_ptr<Checker> make_txn_list_append_checker() { return std::make_unique<ListAppendChecker>(); }

}  // namespace fl
