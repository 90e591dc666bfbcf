// The broadcast checker (which judges Maelstrom's broadcast and g-set
// workloads) and the unique-ids checker judged op by op while a run records
// (their online forms) give exactly what they give offline — verdict,
// detail, summary, and the same sentence when they refuse a history — on
// thousands of simulated histories (lost and unexpected values, values read
// before their broadcast, failed and info broadcasts, broadcasts never
// completed, partitions, runs with no final read) and on every history of
// the conformance corpus; and the broadcast check, which now feeds one core
// op by op, gives exactly what the whole-history pass it replaced gave (kept
// below as the oracle).
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <random>

#include <catch2/catch.hpp>

#include "checkers/anomalies.h"
#include "checkers/final_reads.h"
#include "checkers/registry.h"
#include "history/error.h"
#include "history/format.h"
#include "history/op_stream.h"
#include "tests/checkers/online_agreement.h"
#include "tests/checkers/set_sim.h"
#include "tests/corpus_entries.h"

using namespace fl;

namespace broadcast_online_test {

// The broadcast checker as a whole-history pass, as it was before its core was shared.
CheckResult reference_broadcast(const History& h) {
  ValueIds ids;
  enum class Add : std::uint8_t { None, Fail, Info, Ok };
  std::vector<Add> adds;
  std::vector<std::int64_t> add_op;
  const auto& pairs = h.pairs();
  auto note = [&](std::uint32_t id) {
    if (id >= adds.size()) {
      adds.resize(id + 1, Add::None);
      add_op.resize(id + 1, -1);
    }
  };
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const OpPair& p = pairs[i];
    require_known_f(h, p, "broadcast", {"add", "read"});
    const Op& inv = h[p.invoke];
    if (inv.f == "add") {
      std::uint32_t id = ids.id(inv.value);
      note(id);
      OpType out = h.outcome(p);
      Add a = out == OpType::Ok ? Add::Ok : out == OpType::Info ? Add::Info : Add::Fail;
      if (a > adds[id]) {
        adds[id] = a;
        add_op[id] = static_cast<std::int64_t>(i);
      }
    } else if (h.outcome(p) == OpType::Ok && !h[p.complete].value.is_array()) {
      throw BadInput(h.source(), h[p.complete].line,
                     fmt::format("a broadcast read must return a list, got {}", show(h[p.complete].value)));
    }
  }
  AnomalyLog log;
  for (const OpPair& p : pairs) {
    if (h[p.invoke].f != "read" || h.outcome(p) != OpType::Ok) continue;
    for (const Json& v : h[p.complete].value) {
      std::uint32_t id = ids.find(v);
      if (id != ValueIds::kNone && id < adds.size() && adds[id] >= Add::Info) continue;
      log.add("unexpected", {op_index(h, p)},
              fmt::format("read (op {}) on {} returned {}, which {}", op_index(h, p), h[p.invoke].node, show(v),
                          id == ValueIds::kNone ? "no one ever broadcast" : "was broadcast only by failed ops"));
    }
  }
  auto finals = final_reads(h, "add");
  std::int64_t acknowledged = 0;
  for (Add a : adds) acknowledged += a == Add::Ok;
  Json per_node = Json::object();
  for (const auto& [node, r] : finals) {
    const OpPair& read = pairs[r];
    std::vector<bool> seen(adds.size(), false);
    for (const Json& v : h[read.complete].value) {
      std::uint32_t id = ids.find(v);
      if (id != ValueIds::kNone && id < seen.size()) seen[id] = true;
    }
    std::int64_t lost = 0;
    for (std::uint32_t id = 0; id < adds.size(); ++id) {
      if (adds[id] != Add::Ok || seen[id]) continue;
      ++lost;
      const OpPair& add = pairs[add_op[id]];
      log.add("lost", {op_index(h, add), op_index(h, read)},
              fmt::format("{} was broadcast and acknowledged (op {}) but the final read on {} (op {}) does not hold it",
                          show(op_argument(h, add)), op_index(h, add), node.empty() ? "a node" : node,
                          op_index(h, read)));
    }
    per_node[node.empty() ? "?" : node] = {{"final-read", op_index(h, read)}, {"lost", lost}};
  }
  CheckResult res;
  log.write(res);
  res.detail["acknowledged-count"] = acknowledged;
  res.detail["nodes"] = per_node;
  res.summary = fmt::format("    {} acknowledged, final reads on {} nodes\n", acknowledged, finals.size()) + res.summary;
  if (finals.empty()) nothing_to_judge(res, "no node has an ok read after the last broadcast and the final heal");
  return res;
}

void require_same(const CheckResult& a, const CheckResult& b) {
  CHECK(to_string(a.valid) == to_string(b.valid));
  CHECK(a.detail.dump() == b.detail.dump());
  CHECK(a.summary == b.summary);
}

// Generates with planted duplicates, answered out of order, some info or
// failed, some runs ending with generates open; now and then an op of
// another f.
History ids_history(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const int workers = 2 + static_cast<int>(seed % 4), total = 5 + static_cast<int>(rng() % 80);
  const double dup = seed % 3 == 0 ? 0.1 : 0;
  sim::OpsBuilder b;
  std::vector<std::int64_t> pid(workers), given;
  for (int w = 0; w < workers; ++w) pid[w] = w;
  std::vector<bool> busy(workers, false);
  std::int64_t next_pid = workers, next_id = 1;
  int invoked = 0;
  while (invoked < total) {
    const int w = static_cast<int>(rng() % workers);
    if (!busy[w]) {
      const bool odd = seed % 41 == 3 && sim::sim_chance(rng, 0.05);
      b.push(pid[w], OpType::Invoke, odd ? "read" : "generate", nullptr);
      busy[w] = true;
      ++invoked;
      continue;
    }
    const double x = std::uniform_real_distribution<double>(0, 1)(rng);
    const OpType t = x < 0.05 ? OpType::Info : x < 0.1 ? OpType::Fail : OpType::Ok;
    Json id = nullptr;
    if (t == OpType::Ok) {
      id = !given.empty() && sim::sim_chance(rng, dup) ? given[rng() % given.size()] : next_id++;
      given.push_back(id.get<std::int64_t>());
    }
    b.push(pid[w], t, "generate", id);
    if (t == OpType::Info) pid[w] = next_pid++;
    busy[w] = false;
  }
  if (seed % 5 != 1)
    for (int w = 0; w < workers; ++w)
      if (busy[w]) b.push(pid[w], OpType::Ok, "generate", next_id++);
  return b.done("ids-sim-" + std::to_string(seed) + ".jsonl");
}

}  // namespace broadcast_online_test


TEST_CASE("broadcast: judged op by op it says what it says offline, and offline what the whole-history pass said, on 3,000 simulated histories",
          "[checkers]") {
  const Checker& broadcast = *find_checker("broadcast");
  std::map<std::string, int> seen;  // how often each kind of case came up
  for (std::uint64_t seed = 1; seed <= 3000; ++seed) {
    const History h = sim::broadcast_history(seed);
    INFO(h.source());
    std::optional<CheckResult> now, before;
    try { now = broadcast.check(h, {}); } catch (const BadInput&) {}
    try { before = broadcast_online_test::reference_broadcast(h); } catch (const BadInput&) {}
    REQUIRE(now.has_value() == before.has_value());
    if (now) broadcast_online_test::require_same(*now, *before);
    CHECK(test::require_online_agrees(broadcast, h).empty());  // nothing is decided before the end
    if (!now) { seen["refused"]++; continue; }
    seen[std::string(to_string(now->valid))]++;
    for (const auto& [kind, n] : now->detail["anomaly-counts"].items()) seen[kind]++;
    if (now->detail["nodes"].size() > 1) seen["several nodes"]++;
    if (h.pairs().back().complete < 0) seen["ends open"]++;
    sim::count_add_outcomes(h, seen);
    if (now->summary.find("broadcast only by failed ops") != std::string::npos) seen["only failed"]++;
  }
  INFO(Json(seen).dump());
  for (const char* kind : {"valid", "invalid", "unknown", "refused", "lost", "unexpected", "several nodes", "ends open",
                           "failed add", "info add", "only failed"})
    CHECK(seen[kind] >= 5);
}

TEST_CASE("broadcast: the set simulator's histories and the hand-made set histories are judged op by op as offline",
          "[checkers]") {
  const Checker& broadcast = *find_checker("broadcast");
  for (std::uint64_t seed = 1; seed <= 500; ++seed) {
    const History h = sim::set_history(seed);
    test::require_online_agrees(broadcast, h);
    std::optional<CheckResult> now, before;
    try { now = broadcast.check(h, {}); } catch (const BadInput&) {}
    try { before = broadcast_online_test::reference_broadcast(h); } catch (const BadInput&) {}
    REQUIRE(now.has_value() == before.has_value());
    if (now) broadcast_online_test::require_same(*now, *before);
  }
  for (const char* file : {"set_valid.jsonl", "set_lost.jsonl", "set_unexpected.jsonl", "set_failed_add_read.jsonl",
                           "set_failed_then_info_add.jsonl", "set_lost.edn", "set_valid.edn", "set_unknown_f.jsonl"}) {
    const History h = read_history(std::string(FL_TEST_DATA) + "/checkers/" + file);
    test::require_online_agrees(broadcast, h);
  }
}

TEST_CASE("broadcast, set, the counters and unique-ids judged op by op say what they say offline on every corpus history, refusals word for word",
          "[checkers]") {
  int histories = 0, judged = 0;
  for (const test::CorpusEntry& e : test::corpus_entries(FL_CORPUS_DIR)) {
    const History h = read_history(std::string(FL_CORPUS_DIR) + "/" + e.path, *parse_format(e.format));
    for (const char* name : {"broadcast", "set", "g-counter", "pn-counter", "unique-ids"}) {
      const Checker& c = *find_checker(name);
      test::require_online_agrees(c, h);
      try {
        c.check(h, {});
        ++judged;
      } catch (const BadInput& err) {
        CHECK(std::string(err.what()).rfind(h.source() + ":", 0) == 0);  // names the file and line
      }
    }
    ++histories;
  }
  CHECK(histories >= 200);
  INFO(judged);
}

TEST_CASE("unique-ids: judged op by op it says what it says offline on 1,000 simulated histories, a duplicate naming the op that returned the id first",
          "[checkers]") {
  const Checker& ids = *find_checker("unique-ids");
  std::map<std::string, int> seen;
  for (std::uint64_t seed = 1; seed <= 1000; ++seed) {
    const History h = broadcast_online_test::ids_history(seed);
    const std::vector<std::string> early = test::require_online_agrees(ids, h);
    try {
      seen[std::string(to_string(ids.check(h, {}).valid))]++;
    } catch (const BadInput&) {
      seen["refused"]++;
    }
    if (!early.empty()) seen["reported early"]++;
  }
  INFO(Json(seen).dump());
  for (const char* kind : {"valid", "invalid", "refused", "reported early"}) CHECK(seen[kind] >= 5);

  // Two generates answered in the opposite order of their invocations.
  sim::OpsBuilder b;
  b.push(0, OpType::Invoke, "generate", nullptr);
  b.push(1, OpType::Invoke, "generate", nullptr);
  b.push(1, OpType::Ok, "generate", 7);
  b.push(0, OpType::Ok, "generate", 7);
  const History h = b.done("ids-crossed.jsonl");
  const CheckResult r = ids.check(h, {});
  REQUIRE(r.detail["anomalies"].size() == 1);
  CHECK(r.detail["anomalies"][0]["ops"] == Json::array({2, 3}));
  CHECK(test::require_online_agrees(ids, h) == std::vector<std::string>{"id 7 was generated by op 2 and again by op 3"});
}

TEST_CASE("broadcast and unique-ids: fed from a history file as it is streamed (values left as text), the online forms say what the offline checks say",
          "[checkers]") {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("fl-bcast-online-" + std::to_string(::getpid()) + ".jsonl")).string();
  int files = 0, refused = 0;
  for (std::uint64_t seed = 1; seed <= 80; ++seed) {
    const bool ids = seed % 4 == 0;
    const History h = ids ? broadcast_online_test::ids_history(seed) : sim::broadcast_history(seed * 3 + (seed % 7 == 0 ? 2 : 0));
    {
      std::ofstream out(path);
      for (const Op& op : h.ops()) out << to_json(op).dump() << "\n";
    }
    const History back = read_history(path, Format::Jsonl);
    const Checker& c = *find_checker(ids ? "unique-ids" : "broadcast");
    std::optional<CheckResult> offline;
    std::string refusal;
    try { offline = c.check(back, {}); } catch (const BadInput& e) { refusal = e.what(); }
    CheckOptions named;
    named.source = path;
    std::unique_ptr<OnlineCheck> online = c.online(named);
    INFO(c.name() << " " << seed);
    try {
      StreamCounts n = stream_history(path, Format::Jsonl, [&](const OpRef& op) { online->feed(op); });
      REQUIRE(offline);
      broadcast_online_test::require_same(online->finish(n.events), *offline);
      ++files;
    } catch (const BadInput& e) {
      CHECK_FALSE(offline);
      CHECK(e.what() == refusal);
      ++refused;
    }
  }
  std::filesystem::remove(path);
  CHECK(files >= 60);
}
