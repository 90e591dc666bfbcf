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
#include <algorithm>

#include <fmt/format.h>

#include "checkers/anomalies.h"
#include "checkers/fault_text.h"
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

int outcome_rank(OpType t) { return t == OpType::Ok ? 2 : t == OpType::Info ? 1 : 0; }

class SetChecker : public Checker {
 public:
  std::string name() const override { return "set"; }
  std::string description() const override {
    return "set: acknowledged adds lost from the final read, unexpected elements, set-full stable/lost/stale latencies";
  }

  CheckResult check(const History& h, const CheckOptions&) const override {
    ValueIds ids;
    struct Element {
      std::int64_t add = -1;        // pair of its add (the first one)
      OpType outcome = OpType::Fail;
      std::int64_t known_pos = -1;  // history position where it became known
      std::int64_t known_pair = -1; // pair that made it known (add or read)
      std::vector<std::uint32_t> reads;  // reads (in read order) that contain it
    };
    std::vector<Element> els;
    auto element = [&](const Json& v) -> Element& {
      std::uint32_t id = ids.id(v);
      if (id >= els.size()) els.resize(id + 1);
      return els[id];
    };
    const auto& pairs = h.pairs();
    std::vector<std::int64_t> reads;  // pair positions of ok reads, in invocation order
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      const OpPair& p = pairs[i];
      const Op& inv = h[p.invoke];
      OpType out = h.outcome(p);
      require_known_f(h, p, "set", {"add", "read"});
      if (inv.f == "add") {
        // An element's add is its most hopeful attempt: ok, else info (it may
        // have happened), else fail — a retry after a failure counts.
        Element& e = element(inv.value);
        if (e.add < 0 || outcome_rank(out) > outcome_rank(e.outcome)) {
          e.add = static_cast<std::int64_t>(i);
          e.outcome = out;
        }
      } else if (inv.f == "read" && out == OpType::Ok) {
        const Json& v = h[p.complete].value;
        if (!v.is_array())
          throw BadInput(h.source(), h[p.complete].line,
                         fmt::format("a set read must return a list, got {}", show(v)));
        reads.push_back(static_cast<std::int64_t>(i));
      }
    }
    AnomalyLog log;
    for (std::size_t r = 0; r < reads.size(); ++r) {
      const OpPair& p = pairs[reads[r]];
      for (const Json& v : h[p.complete].value) {
        Element& e = element(v);
        if (e.add < 0 || e.outcome == OpType::Fail) {
          log.add("unexpected", e.add < 0 ? std::vector<std::int64_t>{op_index(h, p)}
                                          : std::vector<std::int64_t>{op_index(h, pairs[e.add]), op_index(h, p)},
                  e.add < 0 ? fmt::format("read (op {}) returned {}, which no one ever tried to add",
                                          op_index(h, p), show(v))
                            : fmt::format("read (op {}) returned {}, whose every add (op {}) failed",
                                          op_index(h, p), show(v), op_index(h, pairs[e.add])));
          continue;
        }
        if (!e.reads.empty() && e.reads.back() == r) {
          log.add("duplicated", {op_index(h, p)},
                  fmt::format("read (op {}) returned {} more than once", op_index(h, p), show(v)));
          continue;
        }
        e.reads.push_back(static_cast<std::uint32_t>(r));
        if (e.known_pos < 0 || p.complete < e.known_pos) {
          e.known_pos = p.complete;
          e.known_pair = reads[r];
        }
      }
    }
    // The faults the nemesis started, in history order: a lost element names
    // the first one after it was known (a power cut, a partition), the fault
    // that could have taken it.
    std::vector<std::int64_t> fault_starts;
    for (std::size_t i = 0; i < h.size(); ++i)
      if (starts_fault(h[i])) fault_starts.push_back(static_cast<std::int64_t>(i));
    auto first_fault_after = [&](std::int64_t pos, std::int64_t before) -> std::string {
      auto it = std::upper_bound(fault_starts.begin(), fault_starts.end(), pos);
      if (it == fault_starts.end() || *it >= before) return "";
      return "; the first fault after it: " + fault_text(h[*it], h[*it].value);
    };
    std::vector<std::int64_t> read_inv(reads.size());
    for (std::size_t r = 0; r < reads.size(); ++r) read_inv[r] = pairs[reads[r]].invoke;
    auto time_of = [&](std::int64_t pos) { return static_cast<double>(h[pos].time); };
    std::int64_t n_stable = 0, n_lost = 0, n_stale = 0, n_never = 0, n_attempted = 0, n_ok = 0;
    std::vector<double> stable_lat, lost_lat;
    Json stale = Json::array();
    for (Element& e : els) {
      if (e.add < 0 || e.outcome == OpType::Fail) continue;
      ++n_attempted;
      if (e.outcome == OpType::Ok) {
        ++n_ok;
        std::int64_t done = pairs[e.add].complete;
        if (e.known_pos < 0 || done < e.known_pos) { e.known_pos = done; e.known_pair = e.add; }
      }
      if (e.known_pos < 0) continue;  // an unacknowledged add nobody saw: may never have happened
      // first read that began after the element was known
      std::size_t first = std::upper_bound(read_inv.begin(), read_inv.end(), e.known_pos) - read_inv.begin();
      if (first == reads.size()) { ++n_never; continue; }
      std::size_t last = reads.size() - 1;
      bool present_last = !e.reads.empty() && e.reads.back() == last;
      // start of the final run of consecutive reads that hold the element
      std::size_t run = reads.size();
      if (present_last) {
        std::size_t k = e.reads.size() - 1;
        run = e.reads[k];
        while (k > 0 && e.reads[k - 1] + 1 == e.reads[k]) run = e.reads[--k];
      }
      bool have_times = h[e.known_pos].time >= 0;
      if (present_last) {
        ++n_stable;
        std::size_t from = std::max(run, first);
        if (run > first) {
          ++n_stale;
          if (stale.size() < AnomalyLog::kMaxPerKind) stale.push_back(op_index(h, pairs[e.add]));
        }
        if (have_times) stable_lat.push_back(std::max(0.0, (time_of(read_inv[from]) - time_of(e.known_pos)) / 1e6));
      } else {
#if defined(FL_MUTANT_SET_IGNORES_LOST)  // planted: an element missing from the final read is fine
        continue;
#endif
        ++n_lost;
        const OpPair& fin = pairs[reads[last]];
        std::int64_t known_op = op_index(h, pairs[e.known_pair]);
        const Json& v = op_argument(h, pairs[e.add]);
        log.add("lost", {known_op, op_index(h, fin)},
                (e.known_pair == e.add
                     ? fmt::format("{} was added (op {}) but the final read (op {}), which began after that, does not contain it",
                                   show(v), known_op, op_index(h, fin))
                     : fmt::format("{} was seen by a read (op {}) but the final read (op {}) no longer contains it",
                                   show(v), known_op, op_index(h, fin))) +
                    first_fault_after(e.known_pos, fin.invoke));
        if (have_times) {
          std::size_t gone = e.reads.empty() ? first : std::max<std::size_t>(first, e.reads.back() + 1);
          lost_lat.push_back(std::max(0.0, (time_of(read_inv[gone]) - time_of(e.known_pos)) / 1e6));
        }
      }
    }
    CheckResult res;
    log.write(res);
    res.detail["attempt-count"] = n_attempted;
    res.detail["acknowledged-count"] = n_ok;
    res.detail["read-count"] = reads.size();
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
    if (reads.empty()) nothing_to_judge(res, "no read of the set succeeded");
    return res;
  }
};

}  // namespace

std::unique_ptr<Checker> make_set_checker() { return std::make_unique<SetChecker>(); }

}  // namespace fl
