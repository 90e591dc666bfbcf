// The transactional workloads: list-append and rw-register generate Elle's
// transactions (unique values per key, keys retired after their share of
// writes), the write-skew pattern reads two keys and writes one of them, and
// bank generates transfers between distinct accounts and reads.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "workloads/bank.h"
#include "workloads/workload.h"

namespace fl::test {

TEST_CASE("list-append and rw-register write each value once per key and retire keys after their share") {
  for (const char* name : {"list-append", "rw-register"}) {
    auto w = make_workload(name, WorkloadOptions{1, {{"max-writes-per-key", 8}}});
    REQUIRE(w);
    CHECK(w->checkers().front() == std::string("txn-") + name);
    std::mt19937_64 rng(3);
    std::map<std::int64_t, std::set<std::int64_t>> written;
    const std::string write_f = std::string(name) == "list-append" ? "append" : "w";
    for (int i = 0; i < 5000; ++i) {
      OpSpec op = w->next(rng);
      REQUIRE(op.f == "txn");
      REQUIRE(op.value.size() >= 1);
      REQUIRE(op.value.size() <= 4);
      for (const Json& m : op.value) {
        if (m[0] == "r") {
          CHECK(m[2].is_null());
          continue;
        }
        CHECK(m[0] == write_f);
        CHECK(written[m[1].get<std::int64_t>()].insert(m[2].get<std::int64_t>()).second);
      }
    }
    for (const auto& [key, values] : written) CHECK(values.size() <= 8);
    CHECK(written.size() > 10);
  }
}

// An outage where every attempt fails fast must not rotate the keys away
// from the writes before it: the reads after it would then meet none of
// them, and a write the outage lost would go unseen. Failed writes still
// never give their values out again.
TEST_CASE("list-append and rw-register retire a key only for writes that may have taken effect") {
  for (const char* name : {"list-append", "rw-register"}) {
    auto w = make_workload(name, WorkloadOptions{1, {{"max-writes-per-key", 8}, {"key-count", 2}}});
    REQUIRE(w);
    std::mt19937_64 rng(5);
    std::map<std::int64_t, std::set<std::int64_t>> written, kept;
    std::set<std::int64_t> keys_before;  // the key-count keys a run starts with are 0 and 1
    auto run = [&](int n, OpType outcome, std::set<std::int64_t>* keys) {
      for (int i = 0; i < n; ++i) {
        OpSpec op = w->next(rng);
        for (const Json& m : op.value) {
          if (m[0] == "r") continue;
          const std::int64_t k = m[1].get<std::int64_t>(), v = m[2].get<std::int64_t>();
          CHECK(written[k].insert(v).second);
          if (outcome != OpType::Fail) kept[k].insert(v);
          if (keys) keys->insert(k);
        }
        w->completed(op, Completion{outcome, op.value, outcome == OpType::Fail ? "cannot connect" : ""});
      }
    };
    run(1, OpType::Ok, &keys_before);  // at most 4 writes: the first two keys are still active
    std::set<std::int64_t> during;
    run(2000, OpType::Fail, &during);  // the outage: every write fails
    CHECK(during == std::set<std::int64_t>{0, 1});
    run(2000, OpType::Ok, nullptr);     // back: keys rotate again after their share
    for (const auto& [key, values] : kept) CHECK(values.size() <= 8);
    CHECK(kept.size() > 10);
  }
}

// A run starts from an empty store with fresh keys; the checker is told so
// (CheckOptions::init, recorded in test.json), so that a read of a value no
// transaction wrote is an anomaly rather than maybe the initial state.
TEST_CASE("list-append and rw-register start every key absent, and say so to the checker") {
  for (const char* name : {"list-append", "rw-register"}) {
    auto w = make_workload(name, WorkloadOptions{1, Json::object()});
    REQUIRE(w);
    CHECK(w->init() == std::optional<Json>(Json::object()));
  }
}

TEST_CASE("the write-skew pattern reads two keys and appends to one of them") {
  auto w = make_workload("list-append", WorkloadOptions{1, {{"pattern", "write-skew"}, {"key-count", 3}}});
  std::mt19937_64 rng(4);
  for (int i = 0; i < 1000; ++i) {
    Json t = w->next(rng).value;
    REQUIRE(t.size() == 3);
    CHECK(t[0][0] == "r");
    CHECK(t[1][0] == "r");
    CHECK(t[0][1] != t[1][1]);
    CHECK(t[2][0] == "append");
    CHECK((t[2][1] == t[0][1] || t[2][1] == t[1][1]));
  }
  CHECK(w->check_params() == Json::object());
  auto strict = make_workload("list-append", WorkloadOptions{1, {{"consistency-models", "serializable"}}});
  CHECK(strict->check_params() == Json{{"consistency-models", "serializable"}});
}

TEST_CASE("bank transfers move money between two distinct accounts, the checker learns the total") {
  auto w = make_workload("bank", WorkloadOptions{1, {{"accounts", 4}, {"total", 103}}});
  std::mt19937_64 rng(5);
  int transfers = 0, reads = 0;
  for (int i = 0; i < 1000; ++i) {
    OpSpec op = w->next(rng);
    if (op.f == "read") {
      ++reads;
      continue;
    }
    ++transfers;
    CHECK(op.value["from"] != op.value["to"]);
    CHECK(op.value["amount"].get<int>() >= 1);
    CHECK(op.value["amount"].get<int>() <= 5);
  }
  CHECK(transfers > 300);
  CHECK(reads > 300);
  CHECK((*w->init())["total"] == 103);
  BankSpec s = BankSpec::from({{"accounts", 4}, {"total", 103}});
  CHECK(s.initial_balance(0) + 3 * s.initial_balance(1) == 103);
  CHECK_THROWS_AS(make_workload("bank", WorkloadOptions{1, {{"accounts", 1}}}), std::invalid_argument);
}

TEST_CASE("bank read-fraction sets the share of reads, within [0, 1]") {
  auto w = make_workload("bank", WorkloadOptions{1, {{"read-fraction", 0.1}}});
  std::mt19937_64 rng(5);
  int reads = 0;
  for (int i = 0; i < 2000; ++i) reads += w->next(rng).f == "read";
  CHECK(reads > 120);
  CHECK(reads < 300);
  auto none = make_workload("bank", WorkloadOptions{1, {{"read-fraction", 0}}});
  for (int i = 0; i < 200; ++i) CHECK(none->next(rng).f == "transfer");
  CHECK(none->final_ops().size() == 1);  // the final read comes all the same
  CHECK_THROWS_WITH(make_workload("bank", WorkloadOptions{1, {{"read-fraction", 1.5}}}),
                    Catch::Contains("read-fraction within [0, 1]"));
}

}  // namespace fl::test
