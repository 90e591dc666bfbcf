// The search's reductions (forced reads, interchangeable ops) and the stale-
// window refutation: they keep verdicts equal to the oracle (oracle.h) on busy
// small-domain register histories (many processes, two values, so identical
// concurrent ops abound), they cut the work they promise to cut, and a stale
// read among many identical ops is refuted without a search.
#include <catch2/catch.hpp>

#include <random>

#include "checkers/linear/partition.h"
#include "checkers/linear/search.h"
#include "checkers/registry.h"
#include "linear_support.h"
#include "oracle.h"

namespace fl::test {
namespace {

const Checker& the_linearizable_checker() { return *find_checker("linearizable"); }

// Up to `processes` concurrent clients on one register with values 0 and 1:
// reads, writes and cas, some unknown (the process is then retired) and some
// failed, some never completed.
std::vector<Op> busy_history(std::mt19937_64& rng, int processes, int total, bool with_cas) {
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); };
  struct Open {
    std::string f;
    Json arg, result;
  };
  std::vector<std::optional<Open>> open(static_cast<std::size_t>(processes));
  std::vector<std::int64_t> pid(static_cast<std::size_t>(processes));
  for (int p = 0; p < processes; ++p) pid[static_cast<std::size_t>(p)] = p;
  std::int64_t next_pid = processes;
  std::vector<Op> ops;
  int invoked = 0;
  for (;;) {
    bool any_open = false;
    for (auto& o : open) any_open = any_open || o.has_value();
    if (invoked == total && (!any_open || pick(10) == 0)) break;
    const auto p = static_cast<std::size_t>(pick(processes));
    if (!open[p]) {
      if (invoked == total) continue;
      const int kind = pick(with_cas ? 5 : 4);
      Open o;
      if (kind < 2) {
        o = {"read", Json(), Json(pick(2))};
      } else if (kind < 4) {
        o = {"write", Json(pick(2)), Json()};
        o.result = o.arg;
      } else {
        o = {"cas", Json::array({pick(2), pick(2)}), Json()};
        o.result = o.arg;
      }
      ops.push_back(event(pid[p], OpType::Invoke, o.f, o.f == "read" ? Json() : o.arg));
      open[p] = o;
      ++invoked;
      continue;
    }
    const Open o = *open[p];
    open[p].reset();
    const int roll = pick(100);
    if (roll < 85) {
      ops.push_back(event(pid[p], OpType::Ok, o.f, o.result));
    } else if (roll < 95) {
      ops.push_back(event(pid[p], OpType::Info, o.f, o.arg));
      pid[p] = next_pid++;
    } else {
      ops.push_back(event(pid[p], OpType::Fail, o.f, o.arg));
    }
  }
  return ops;
}

void agree_on_busy_histories(const std::string& model, std::uint64_t seed, int histories) {
  std::mt19937_64 rng(seed);
  int valid = 0, invalid = 0;
  for (int n = 0; n < histories; ++n) {
    const History h = history_of(busy_history(rng, 4 + static_cast<int>(rng() % 3), 8, model == "cas-register"));
    std::optional<Json> init;
    if (rng() % 2) init = Json(0);
    CheckOptions opts;
    opts.model = model;
    opts.init = init;
    opts.threads = 1;
    const Validity got = the_linearizable_checker().check(h, opts).valid;
    const bool expected = oracle::linearizable(h.ops(), model, init);
    if (got != (expected ? Validity::Valid : Validity::Invalid)) {
      std::string text;
      for (const Op& op : h.ops()) text += to_json(op).dump() + "\n";
      FAIL_CHECK("model " << model << " history #" << n << " (seed " << seed << "): checker says "
                          << to_string(got) << ", brute force says " << (expected ? "valid" : "invalid") << "\n"
                          << text);
      return;
    }
    (expected ? valid : invalid)++;
  }
  INFO("valid " << valid << " invalid " << invalid);
  CHECK(valid > histories / 10);
  CHECK(invalid > histories / 10);
}

// k processes each write 1 concurrently (returning one after another), then
// each reads 1, then one more read sees 0, which nobody wrote: identical ops
// everywhere, and a search that must give up on all of their orders.
History identical_writes_and_reads(int k) {
  std::vector<Op> ops;
  for (int p = 0; p < k; ++p) ops.push_back(event(p, OpType::Invoke, "write", 1));
  for (int p = 0; p < k; ++p) ops.push_back(event(p, OpType::Ok, "write", 1));
  for (int p = 0; p < k; ++p) ops.push_back(event(p, OpType::Invoke, "read", nullptr));
  for (int p = 0; p < k; ++p) ops.push_back(event(p, OpType::Ok, "read", 1));
  ops.push_back(event(k, OpType::Invoke, "read", nullptr));
  ops.push_back(event(k, OpType::Ok, "read", 0));
  return history_of(ops);
}

// The search alone (no refutation first), on the register model.
std::int64_t configurations(const History& h, const SearchTuning& tuning) {
  const Model& model = *find_model("register");
  const std::vector<PartitionPlan> plans = plan_partitions(h);
  REQUIRE(plans.size() == 1);
  Partition p = encode_partition(h, plans[0], model, std::nullopt);
  const SearchResult r = search_linearization(p, model, SearchBudget{}, tuning);
  REQUIRE(r.valid == Validity::Invalid);
  return r.configurations;
}

}  // namespace

TEST_CASE("the reductions keep the checker in agreement with brute force on busy two-value registers",
          "[linear]") {
  agree_on_busy_histories("register", 515, 1500);
  agree_on_busy_histories("cas-register", 516, 1500);
}

TEST_CASE("busy two-value registers agree with brute force on many more histories", "[linear][soak]") {
  agree_on_busy_histories("register", 9001, 100000);
  agree_on_busy_histories("cas-register", 9002, 100000);
}

TEST_CASE("k identical concurrent ops cost about 2k configurations, not 2^k", "[linear]") {
  const History h = identical_writes_and_reads(12);
  const std::int64_t reduced = configurations(h, SearchTuning{});
  SearchTuning plain;
  plain.forced_reads = false;
  plain.interchangeable = false;
  const std::int64_t unreduced = configurations(h, plain);
  CHECK(reduced <= 2 * 12 + 1);
  CHECK(unreduced >= 2 * (4096 - 1));  // every nonempty subset of the 12 writes, and of the 12 reads
}

TEST_CASE("a stale read among many identical ops is refuted by its window, without a search", "[linear]") {
  // Processes 0-3 keep writing 0 and 1 concurrently; then write 2 completes,
  // and a later read sees 1 while no write of 1 overlaps them.
  std::vector<Op> ops;
  for (int round = 0; round < 3; ++round) {
    for (int p = 0; p < 4; ++p) ops.push_back(event(p, OpType::Invoke, "write", p % 2));
    for (int p = 0; p < 4; ++p) ops.push_back(event(p, OpType::Ok, "write", p % 2));
  }
  ops.push_back(event(9, OpType::Invoke, "write", 2));
  ops.push_back(event(9, OpType::Ok, "write", 2));
  ops.push_back(event(10, OpType::Invoke, "read", nullptr));
  ops.push_back(event(11, OpType::Invoke, "write", 0));
  ops.push_back(event(10, OpType::Ok, "read", 1));
  ops.push_back(event(11, OpType::Ok, "write", 0));
  const History h = history_of(ops);
  CheckOptions opts;
  opts.model = "register";
  opts.threads = 1;
  const CheckResult r = the_linearizable_checker().check(h, opts);
  REQUIRE(r.valid == Validity::Invalid);
  const Json& a = r.detail["anomalies"][0];
  CHECK(a["method"] == "stale-window refutation");
  CHECK(a["failed_op"] == 26);
  CHECK(a["explanation"].get<std::string>().find("write 2") != std::string::npos);
  CHECK(oracle::linearizable(h.ops(), "register", std::nullopt) == false);
}

}  // namespace fl::test
