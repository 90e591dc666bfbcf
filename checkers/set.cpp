// The `set` checker (Jepsen's checker/set and checker/set-full): `add` v,
// `read` → [v…]. Classic view: every element whose add was acknowledged must
// be in the final read, and no read may hold an element nobody tried to add
// (or whose add failed). Set-full view, per element from the moment it is
// known (its add acknowledged, or first seen by a read): `stable` if the
// latest read contains it, `lost` if the latest read started after it was
// known and misses it, `stale` if some read after it was known missed it
// before it became stable, `never-read` if no read started after it was known.
// Latencies (ms, from known to the first read of the final run that holds it)
// are reported as quantiles. Valid iff nothing is lost and nothing unexpected;
// unknown with no ok read (nothing to judge).
// Both forms — the offline check and the online one fed while a run records
// (checkers/online.h) — feed one core in file order, so their verdicts are
// the same. It keeps per element its adds' outcomes and where it was last
// read; per ok read only where and when it began; a read's elements only
// until every read begun before it has returned (reads are judged in the
// order they began, so one that hangs holds back those begun after it).
// Online, a read that returned an element twice is reported once an add of
// the element has ended ok or info (a read may return an element before its
// add returns); an unexpected element only at the end — an add of it may
// come later in the history — and a lost one too.
#include <algorithm>
#include <cstdint>
#include <map>
#include <tuple>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>

#include "checkers/anomalies.h"
#include "checkers/fault_text.h"
#include "checkers/online.h"
#include "history/error.h"

namespace fl {
namespace {

Json quantiles(std::vector<double> xs) {
  Json q = Json::object();
  if (xs.empty()) return q;
  std::sort(xs.begin(), xs.end());
  for (double p : {0.0, 0.5, 0.95, 0.99, 1.0}) {
    std::size_t i = std::min(xs.size() - 1, static_cast<std::size_t>(p * (xs.size() - 1) + 0.5));
    q[fmt::format("{}", p)] = xs[i];
  }
  return q;
}

// An AnomalyLog whose entries may come in any order: each carries the key of
// its place in the log (the order in which a whole-history pass finds them),
// and the log keeps, per kind, the kMaxPerKind first by key.
class OrderedLog {
 public:
  using Key = std::tuple<int, std::int64_t, std::int64_t>;
  void add(const std::string& kind, Key key, std::vector<std::int64_t> ops, std::string explanation) {
    Kind& k = kinds_[kind];
    ++k.count;
    if (k.kept.size() >= AnomalyLog::kMaxPerKind) {
      auto last = std::prev(k.kept.end());
      if (!(key < last->first)) return;
      k.kept.erase(last);
    }
    k.kept.emplace(key, Entry{std::move(ops), std::move(explanation)});
  }
  // `n` more of `kind`, each after kMaxPerKind others of it by key.
  void count(const std::string& kind, std::int64_t n) {
    if (n > 0) kinds_[kind].count += n;
  }
  AnomalyLog in_order() const {
    std::vector<std::tuple<Key, const std::string*, const Entry*>> all;
    for (const auto& [kind, k] : kinds_)
      for (const auto& [key, e] : k.kept) all.emplace_back(key, &kind, &e);
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return std::get<0>(a) < std::get<0>(b); });
    AnomalyLog log;
    for (const auto& [key, kind, e] : all) log.add(*kind, e->ops, e->explanation);
    for (const auto& [kind, k] : kinds_)
      for (std::int64_t i = static_cast<std::int64_t>(k.kept.size()); i < k.count; ++i) log.add(kind, {}, "");
    return log;
  }

 private:
  struct Entry {
    std::vector<std::int64_t> ops;
    std::string explanation;
  };
  struct Kind {
    std::map<Key, Entry> kept;
    std::int64_t count = 0;
  };
  std::map<std::string, Kind> kinds_;
};

// The set checker's whole judgement, fed op by op in file order.
class SetCore {
 public:
  explicit SetCore(std::string source, bool report = false) : source_(std::move(source)), report_(report) {}

  // Throws BadInput (source:line) for an op it cannot interpret.
  void feed(const OpRef& ref) {
    const Op& op = ref.op();
    if (op.is_nemesis()) {
      if (starts_fault(op)) faults_.emplace_back(ref.position(), fault_text(op, ref.value()));
      return;
    }
    if (ref.pair() < 0) return;
    if (op.is_invoke()) {
      require_known_f(source_, op, "set", {"add", "read"});
      if (op.f == "add") {
        std::uint32_t id = element(ref.value());
        Element& e = els_[id];
        if (e.first_add < 0) e.first_add = ref.pair();
        ++e.open_adds;
        open_adds_[ref.pair()] = OpenAdd{id, op.index};
      } else {
        Read& r = reads_[ref.pair()];
        r.invoke_pos = ref.position();
        r.invoke_time = op.time;
      }
      return;
    }
    if (auto it = open_adds_.find(ref.pair()); it != open_adds_.end()) {
      ended(it->second.id, ref.pair(), op.type, op.index, ref.position(), op.time);
      open_adds_.erase(it);
      return;
    }
    auto it = reads_.find(ref.pair());
    if (it == reads_.end()) return;
    Read& r = it->second;
    if (op.type == OpType::Ok) {
      const Json& v = ref.value();
      if (!v.is_array())
        throw BadInput(source_, op.line, fmt::format("a set read must return a list, got {}", show(v)));
      r.state = Read::Ok;
      r.done_pos = ref.position();
      r.done_index = op.index;
      r.done_time = op.time;
      r.ids.reserve(v.size());
      for (const Json& x : v) r.ids.push_back(element(x));
    } else {
      r.state = Read::NotOk;
    }
    judge_reads();
  }

  std::vector<std::string> take_anomalies() { return std::exchange(found_, {}); }

  // After the last op: adds still open may have happened (info), reads still
  // open returned nothing.
  CheckResult finish() {
    for (const auto& [pair, add] : open_adds_) ended(add.id, pair, OpType::Info, add.invoke_index, -1, -1);
    open_adds_.clear();
    for (auto& [pair, r] : reads_)
      if (r.state == Read::Open) r.state = Read::NotOk;
    judge_reads();
    return verdict();
  }

 private:
  struct Occurrence {
    std::int64_t read, at, index;  // the read's pair, the element's place in it, its op index
  };
  struct AddEnd {
    std::int64_t pair = -1, index = -1, pos = -1, time = -1;  // pair; completion's index, position, time
  };
  struct Element {
    Json value;
    std::int64_t first_add = -1;  // pair of its first add: its place among the elements
    AddEnd ok, info, fail;        // its adds ended so, the first (lowest pair) of each
    std::int32_t open_adds = 0;
    std::int64_t last = -1, run = -1;  // the last ok read (by rank) holding it; where that run of reads began
    AddEnd seen;                       // the ok read holding it that returned first: pos, index, time
    bool expected() const { return ok.pair >= 0 || info.pair >= 0; }
  };
  // Of an element read before an add of it has ended ok or info: its
  // occurrences in reads, each unexpected if none ever does; those that
  // repeat it in a read, each a duplicate if one does (the first
  // kMaxPerKind, and how many more).
  struct Pending {
    std::vector<Occurrence> unexpected, repeated;
    std::int64_t unexpected_more = 0, repeated_more = 0;
  };
  struct OpenAdd {
    std::uint32_t id;
    std::int64_t invoke_index;
  };
  struct Read {
    enum State { Open, NotOk, Ok } state = Open;
    std::int64_t invoke_pos = -1, invoke_time = -1, done_pos = -1, done_index = -1, done_time = -1;
    std::vector<std::uint32_t> ids;
  };

  std::uint32_t element(const Json& v) {
    std::uint32_t id = ids_.id(v);
    if (id >= els_.size()) {
      els_.resize(id + 1);
      els_[id].value = v;
    }
    return id;
  }

  static void keep(std::vector<Occurrence>& some, std::int64_t& more, const Occurrence& o) {
    if (some.size() < AnomalyLog::kMaxPerKind) some.push_back(o);
    else ++more;
  }

  void duplicated(const Element& e, const Occurrence& o) {
    std::string why = fmt::format("read (op {}) returned {} more than once", o.index, show(e.value));
    if (report_) found_.push_back(why);
    log_.add("duplicated", {0, o.read, o.at}, {o.index}, std::move(why));
  }

  // An add of element `id` ended (an add never completed ends as info, with
  // its invocation's index and no position).
  void ended(std::uint32_t id, std::int64_t pair, OpType out, std::int64_t index, std::int64_t pos,
             std::int64_t time) {
    Element& e = els_[id];
    --e.open_adds;
    const bool was = e.expected();
    AddEnd& slot = out == OpType::Ok ? e.ok : out == OpType::Fail ? e.fail : e.info;
    if (slot.pair < 0 || pair < slot.pair) slot = AddEnd{pair, index, pos, time};
    if (was || !e.expected()) return;
    // It may have been added: its repeats in reads so far are duplicates, and nothing of it is unexpected.
    auto it = pending_.find(id);
    if (it == pending_.end()) return;
    for (const Occurrence& o : it->second.repeated) duplicated(e, o);
    log_.count("duplicated", it->second.repeated_more);
    pending_.erase(it);
  }

  // The reads that have returned, in the order they began, as far as every
  // read begun before them has returned.
  void judge_reads() {
    while (!reads_.empty() && reads_.begin()->second.state != Read::Open) {
      auto it = reads_.begin();
      if (it->second.state == Read::Ok) judge_read(it->first, it->second);
      reads_.erase(it);
    }
  }

  void judge_read(std::int64_t pair, const Read& r) {
    const std::int64_t rank = static_cast<std::int64_t>(read_began_.size());
    read_began_.emplace_back(r.invoke_pos, r.invoke_time);
    final_index_ = r.done_index;
    final_invoke_ = r.invoke_pos;
    for (std::size_t at = 0; at < r.ids.size(); ++at) {
      const std::uint32_t id = r.ids[at];
      Element& e = els_[id];
      const bool again = e.last == rank;
      if (!again) {
        if (e.last < 0 || e.last + 1 != rank) e.run = rank;
        e.last = rank;
        if (e.seen.pos < 0 || r.done_pos < e.seen.pos) e.seen = AddEnd{pair, r.done_index, r.done_pos, r.done_time};
      }
      const Occurrence o{pair, static_cast<std::int64_t>(at), r.done_index};
      if (e.expected()) {
        if (again) duplicated(e, o);
        continue;
      }
      Pending& p = pending_[id];
      keep(p.unexpected, p.unexpected_more, o);
      if (again) keep(p.repeated, p.repeated_more, o);
    }
  }

  // The faults the nemesis started, in history order: a lost element names
  // the first one after it was known (a power cut, a partition), the fault
  // that could have taken it.
  std::string first_fault_after(std::int64_t pos, std::int64_t before) const {
    auto it = std::upper_bound(faults_.begin(), faults_.end(), pos,
                               [](std::int64_t p, const auto& f) { return p < f.first; });
    if (it == faults_.end() || it->first >= before) return "";
    return "; the first fault after it: " + it->second;
  }

  CheckResult verdict() {
    // Elements in the order of their first add; those never added last (only unexpected).
    std::vector<std::uint32_t> order(els_.size());
    for (std::uint32_t id = 0; id < order.size(); ++id) order[id] = id;
    std::stable_sort(order.begin(), order.end(), [this](std::uint32_t a, std::uint32_t b) {
      std::int64_t x = els_[a].first_add, y = els_[b].first_add;
      return (x < 0 ? INT64_MAX : x) < (y < 0 ? INT64_MAX : y);
    });
    const std::size_t n_reads = read_began_.size();
    std::int64_t n_stable = 0, n_lost = 0, n_stale = 0, n_never = 0, n_attempted = 0, n_ok = 0;
    std::vector<double> stable_lat, lost_lat;
    Json stale = Json::array();
    for (std::uint32_t id : order) {
      Element& e = els_[id];
      if (!e.expected()) {
        auto it = pending_.find(id);
        if (it == pending_.end()) continue;  // never read
        for (const Occurrence& o : it->second.unexpected)
          log_.add("unexpected", {0, o.read, o.at},
                   e.first_add < 0 ? std::vector<std::int64_t>{o.index}
                                   : std::vector<std::int64_t>{e.fail.index, o.index},
                   e.first_add < 0 ? fmt::format("read (op {}) returned {}, which no one ever tried to add", o.index,
                                                 show(e.value))
                                   : fmt::format("read (op {}) returned {}, whose every add (op {}) failed", o.index,
                                                 show(e.value), e.fail.index));
        log_.count("unexpected", it->second.unexpected_more);
        continue;
      }
      // An element's add is its most hopeful attempt: ok, else info (it may
      // have happened), else fail — a retry after a failure counts.
      const bool acknowledged = e.ok.pair >= 0;
      const AddEnd& add = acknowledged ? e.ok : e.info;
      ++n_attempted;
      AddEnd known = e.seen;  // where it became known: pos, the op index that made it known, time
      if (acknowledged) {
        ++n_ok;
        if (known.pos < 0 || add.pos < known.pos) known = add;
      }
      if (known.pos < 0) continue;  // an unacknowledged add nobody saw: may never have happened
      // first read that began after the element was known
      const std::size_t first =
          std::upper_bound(read_began_.begin(), read_began_.end(), known.pos,
                           [](std::int64_t p, const auto& r) { return p < r.first; }) -
          read_began_.begin();
      if (first == n_reads) { ++n_never; continue; }
      const std::size_t last = n_reads - 1;
      const bool present_last = e.last == static_cast<std::int64_t>(last);
      // start of the final run of consecutive reads that hold the element
      const std::size_t run = present_last ? static_cast<std::size_t>(e.run) : n_reads;
      const bool have_times = known.time >= 0;
      auto since_known = [&](std::size_t read) {
        return std::max(0.0, (static_cast<double>(read_began_[read].second) - static_cast<double>(known.time)) / 1e6);
      };
      if (present_last) {
        ++n_stable;
        std::size_t from = std::max(run, first);
        if (run > first) {
          ++n_stale;
          if (stale.size() < AnomalyLog::kMaxPerKind) stale.push_back(add.index);
        }
        if (have_times) stable_lat.push_back(since_known(from));
      } else {
#if defined(FL_MUTANT_SET_IGNORES_LOST)  // planted: an element missing from the final read is fine
        continue;
#endif
        ++n_lost;
        const bool by_add = known.pair == add.pair;
        log_.add("lost", {1, e.first_add, 0}, {known.index, final_index_},
                 (by_add ? fmt::format("{} was added (op {}) but the final read (op {}), which began after that, does "
                                       "not contain it",
                                       show(e.value), known.index, final_index_)
                         : fmt::format("{} was seen by a read (op {}) but the final read (op {}) no longer contains it",
                                       show(e.value), known.index, final_index_)) +
                     first_fault_after(known.pos, final_invoke_));
        if (have_times) {
          std::size_t gone = e.last < 0 ? first : std::max<std::size_t>(first, static_cast<std::size_t>(e.last) + 1);
          lost_lat.push_back(since_known(gone));
        }
      }
    }
    CheckResult res;
    log_.in_order().write(res);
    res.detail["attempt-count"] = n_attempted;
    res.detail["acknowledged-count"] = n_ok;
    res.detail["read-count"] = n_reads;
    res.detail["stable-count"] = n_stable;
    res.detail["lost-count"] = n_lost;
    res.detail["stale-count"] = n_stale;
    res.detail["never-read-count"] = n_never;
    res.detail["stale"] = stale;
    res.detail["stable-latencies"] = quantiles(stable_lat);
    res.detail["lost-latencies"] = quantiles(lost_lat);
    res.summary = fmt::format("    {} attempted, {} acknowledged, {} stable, {} lost, {} stale, {} never read\n",
                              n_attempted, n_ok, n_stable, n_lost, n_stale, n_never) + res.summary;
    // Jepsen: without a read nothing can be said (and nothing was flagged).
    if (n_reads == 0) nothing_to_judge(res, "no read of the set succeeded");
    return res;
  }

  std::string source_;
  bool report_;  // keep the sentences of anomalies decided before the end
  ValueIds ids_;
  std::vector<Element> els_;
  std::unordered_map<std::uint32_t, Pending> pending_;  // by element id
  std::unordered_map<std::int64_t, OpenAdd> open_adds_;  // pair → the add still open
  std::map<std::int64_t, Read> reads_;                   // pair → a read not yet judged
  std::vector<std::pair<std::int64_t, std::int64_t>> read_began_;  // per ok read, by rank: invocation's position, time
  std::int64_t final_index_ = -1, final_invoke_ = -1;  // the latest ok read: op index, invocation's position
  std::vector<std::pair<std::int64_t, std::string>> faults_;  // position, how an explanation names it
  OrderedLog log_;
  std::vector<std::string> found_;
};

class OnlineSet : public OnlineCheck {
 public:
  explicit OnlineSet(std::string source) : core_(std::move(source), true) {}
  void feed(const OpRef& op) override { core_.feed(op); }
  std::vector<std::string> take_anomalies() override { return core_.take_anomalies(); }
  CheckResult finish(std::int64_t) override { return core_.finish(); }

 private:
  SetCore core_;
};

class SetChecker : public Checker {
 public:
  std::string name() const override { return "set"; }
  std::string description() const override {
    return "set: acknowledged adds lost from the final read, unexpected elements, set-full stable/lost/stale latencies";
  }

  CheckResult check(const History& h, const CheckOptions&) const override {
    SetCore core(h.source());
    replay(h, [&](const OpRef& op) { core.feed(op); });
    return core.finish();
  }
  std::unique_ptr<OnlineCheck> online(const CheckOptions& opts) const override {
    return std::make_unique<OnlineSet>(opts.source);
  }
};

}  // namespace

std::unique_ptr<Checker> make_set_checker() { return std::make_unique<SetChecker>(); }

}  // namespace fl
