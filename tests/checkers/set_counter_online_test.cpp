// The set, g-counter and pn-counter checkers judged op by op while a run
// records (their online forms) give exactly what they give offline — verdict,
// detail, summary — on many simulated histories (info and failed adds, adds
// never completed, unexpected, duplicated and lost elements, nemesis faults,
// reads that never return, histories without times) and on hand-made ones;
// and the offline checks, which now feed one core op by op, give exactly what
// the whole-history passes they replaced gave (kept below as the oracle).
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>

#include <catch2/catch.hpp>

#include "checkers/anomalies.h"
#include "checkers/fault_text.h"
#include "checkers/registry.h"
#include "history/error.h"
#include "history/format.h"
#include "history/op_stream.h"
#include "tests/checkers/online_agreement.h"
#include "tests/checkers/set_sim.h"
#include "tests/checkers/weak_sim.h"

using namespace fl;

namespace set_online_test {

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

// The set checker as a whole-history pass, as it was before its core was shared.
CheckResult reference_set(const History& h) {
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


std::map<std::string, std::int64_t> reference_final_reads(const History& h, const std::string& write_f,
                                                          const std::string& read_f = "read") {
  std::int64_t settled = -1;
  for (std::size_t pos = 0; pos < h.size(); ++pos)
    if (h[pos].is_nemesis() || h[pos].f == write_f) settled = static_cast<std::int64_t>(pos);
  std::map<std::string, std::int64_t> out;
  const auto& pairs = h.pairs();
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const OpPair& p = pairs[i];
    if (p.invoke <= settled || h[p.invoke].f != read_f || h.outcome(p) != OpType::Ok) continue;
    const std::string& node = h[p.complete].node.empty() ? h[p.invoke].node : h[p.complete].node;
    auto it = out.find(node);
    if (it == out.end() || pairs[it->second].invoke < p.invoke) out[node] = static_cast<std::int64_t>(i);
  }
  return out;
}

// The g-counter / pn-counter checker as a whole-history pass, as it was.
CheckResult reference_counter(const History& h, bool negatives_) {
  const std::string me = negatives_ ? "pn-counter" : "g-counter";
  // ok / attempted: the sums of the acknowledged and of the maybe-happened
  // adds; lower / upper: the bounds a final read must lie within.
  std::int64_t ok = 0, attempted = 0, lower = 0, upper = 0;
  for (const OpPair& p : h.pairs()) {
    require_known_f(h, p, me.c_str(), {"add", "read"});
    const Op& inv = h[p.invoke];
    OpType out = h.outcome(p);
    if (inv.f == "add") {
      if (!inv.value.is_number_integer() || (!negatives_ && inv.value.get<std::int64_t>() < 0))
        throw BadInput(h.source(), inv.line, fmt::format("a {} add needs an integer{}, got {}", me,
                                                         negatives_ ? "" : " >= 0", show(inv.value)));
      std::int64_t n = inv.value.get<std::int64_t>();
      if (out == OpType::Ok) ok += n;
      if (out != OpType::Fail) attempted += n;
      if (out == OpType::Ok || (out != OpType::Fail && n < 0)) lower += n;
      if (out == OpType::Ok || (out != OpType::Fail && n > 0)) upper += n;
    } else if (out == OpType::Ok && !h[p.complete].value.is_number_integer()) {
      throw BadInput(h.source(), h[p.complete].line,
                     fmt::format("a {} read must return an integer, got {}", me, show(h[p.complete].value)));
    }
  }
  AnomalyLog log;
  Json per_node = Json::object();
  auto finals = reference_final_reads(h, "add");
  for (const auto& [node, r] : finals) {
    const OpPair& read = h.pairs()[r];
    std::int64_t v = h[read.complete].value.get<std::int64_t>();
    per_node[node.empty() ? "?" : node] = {{"final-read", op_index(h, read)}, {"value", v}};
    if (v >= lower && v <= upper) continue;
    log.add("wrong-final-read", {op_index(h, read)},
            negatives_ ? fmt::format("the final read on {} (op {}) returned {}, but it must lie between {} and {} "
                                     "(the acknowledged adds sum to {}, every add that may have happened to {})",
                                     node.empty() ? "a node" : node, op_index(h, read), v, lower, upper, ok, attempted)
                       : fmt::format("the final read on {} (op {}) returned {}, but the acknowledged adds sum to {} "
                                     "and every add that may have happened to {}",
                                     node.empty() ? "a node" : node, op_index(h, read), v, ok, attempted));
  }
  CheckResult res;
  log.write(res);
  res.detail["acknowledged-sum"] = ok;
  res.detail["attempted-sum"] = attempted;
  if (negatives_) res.detail["bounds"] = Json::array({lower, upper});
  res.detail["nodes"] = per_node;
  res.summary = fmt::format("    acknowledged adds sum to {}, attempted to {}; final reads on {} nodes\n", ok,
                            attempted, finals.size()) + res.summary;
  if (finals.empty()) nothing_to_judge(res, "no node has an ok read after the last add and the final heal");
  return res;
}


}  // namespace set_online_test

namespace set_online_test {

void require_same(const CheckResult& a, const CheckResult& b) {
  CHECK(to_string(a.valid) == to_string(b.valid));
  CHECK(a.detail.dump() == b.detail.dump());
  CHECK(a.summary == b.summary);
}

}  // namespace set_online_test

using namespace set_online_test;
using namespace fl::sim;

TEST_CASE("set: judged op by op it says what it says offline, and offline what the whole-history pass said, on 2,000 simulated histories",
          "[checkers]") {
  const Checker& set = *find_checker("set");
  std::map<std::string, int> seen;  // how often each kind of case came up
  for (std::uint64_t seed = 1; seed <= 2000; ++seed) {
    const History h = set_history(seed);
    INFO(h.source());
    const CheckResult now = set.check(h, {});
    require_same(now, reference_set(h));
    const std::vector<std::string> early = test::require_online_agrees(set, h);
    seen[std::string(to_string(now.valid))]++;
    for (const auto& [kind, n] : now.detail["anomaly-counts"].items()) seen[kind]++;
    if (now.detail["stale-count"] > 0) seen["stale"]++;
    if (now.detail["never-read-count"] > 0) seen["never-read"]++;
    if (!early.empty()) seen["reported early"]++;
    if (now.summary.find("first fault after it") != std::string::npos) seen["fault named"]++;
    if (h.pairs().back().complete < 0) seen["ends open"]++;
    sim::count_add_outcomes(h, seen);
  }
  INFO(Json(seen).dump());
  for (const char* kind : {"valid", "invalid", "unknown", "lost", "unexpected", "duplicated", "stale", "never-read",
                           "reported early", "fault named", "ends open", "failed add", "info add"})
    CHECK(seen[kind] >= 5);
}

TEST_CASE("g-counter and pn-counter: judged op by op they say what they say offline, and offline what the whole-history pass said, on 1,000 simulated histories each",
          "[checkers]") {
  std::map<std::string, int> seen;
  for (bool negatives : {false, true}) {
    const Checker& counter = *find_checker(negatives ? "pn-counter" : "g-counter");
    for (std::uint64_t seed = 1; seed <= 1000; ++seed) {
      const History h = counter_history(seed, negatives);
      INFO(h.source());
      std::optional<CheckResult> now, before;
      try { now = counter.check(h, {}); } catch (const BadInput&) {}
      try { before = reference_counter(h, negatives); } catch (const BadInput&) {}
      REQUIRE(now.has_value() == before.has_value());
      if (now) require_same(*now, *before);
      CHECK(test::require_online_agrees(counter, h).empty());  // nothing is decided before the end
      seen[now ? std::string(to_string(now->valid)) : "refused"]++;
      // A pn-counter history is one g-counter refuses when it has a decrement, and both forms refuse it.
      if (negatives) test::require_online_agrees(*find_checker("g-counter"), h);
    }
  }
  INFO(Json(seen).dump());
  for (const char* kind : {"valid", "invalid", "unknown", "refused"}) CHECK(seen[kind] >= 5);
}

TEST_CASE("set: a history of other ops, or a read that returns no list, is refused op by op as offline", "[checkers]") {
  const Checker& set = *find_checker("set");
  sim::SimOptions o;
  o.seed = 3;
  test::require_online_agrees(set, sim::sc_registers(o));  // writes: both refuse
  OpsBuilder b;
  b.push(0, OpType::Invoke, "add", 1);
  b.push(0, OpType::Ok, "add", 1);
  b.push(1, OpType::Invoke, "read", nullptr);
  b.push(1, OpType::Ok, "read", 1);
  History h = b.done("set-bad-read.jsonl");
  CHECK_THROWS_AS(set.check(h, {}), BadInput);
  test::require_online_agrees(set, h);
}

TEST_CASE("set: every hand-made set history of the test data, in each of its formats, is judged op by op as offline",
          "[checkers]") {
  const Checker& set = *find_checker("set");
  int files = 0;
  for (const char* file : {"set_valid.jsonl", "set_lost.jsonl", "set_unexpected.jsonl", "set_failed_add_read.jsonl",
                           "set_failed_then_info_add.jsonl", "set_lost.edn", "set_valid.edn", "set_unknown_f.jsonl"}) {
    const History h = read_history(std::string(FL_TEST_DATA) + "/checkers/" + file);
    test::require_online_agrees(set, h);
    std::optional<CheckResult> now, before;
    try { now = set.check(h, {}); } catch (const BadInput&) {}
    try { before = reference_set(h); } catch (const BadInput&) {}
    REQUIRE(now.has_value() == before.has_value());
    if (now) require_same(*now, *before);
    ++files;
  }
  CHECK(files == 8);
}

TEST_CASE("set, g-counter, pn-counter: fed from a history file as it is streamed (values left as text), the online forms say what the offline checks say",
          "[checkers]") {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("fl-set-online-" + std::to_string(::getpid()) + ".jsonl")).string();
  int files = 0;
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    const History h = seed % 3 == 0 ? set_history(seed) : counter_history(seed, seed % 3 == 2);
    const char* name = seed % 3 == 0 ? "set" : seed % 3 == 2 ? "pn-counter" : "g-counter";
    {
      std::ofstream out(path);
      for (const Op& op : h.ops()) out << to_json(op).dump() << "\n";
    }
    const History back = read_history(path, Format::Jsonl);
    const Checker& c = *find_checker(name);
    std::optional<CheckResult> offline;
    try { offline = c.check(back, {}); } catch (const BadInput&) {}
    std::unique_ptr<OnlineCheck> online = c.online({});
    INFO(name << " " << seed);
    try {
      StreamCounts n = stream_history(path, Format::Jsonl, [&](const OpRef& op) { online->feed(op); });
      REQUIRE(offline);
      require_same(online->finish(n.events), *offline);
      ++files;
    } catch (const BadInput&) {
      CHECK_FALSE(offline);
    }
  }
  std::filesystem::remove(path);
  CHECK(files >= 50);
}
