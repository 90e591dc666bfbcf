// The refutation after a point where nothing is open (checkers/linear/cut.h),
// on hand-made registers whose verdicts are argued case by case.
#include <catch2/catch.hpp>

#include "checkers/linear/cut.h"
#include "checkers/linear/partition.h"
#include "checkers/models/model.h"
#include "checkers/registry.h"
#include "linear_support.h"

namespace fl::test {
namespace {

// Events in the order given; process p, f, value.
struct Events {
  std::vector<Op> ops;
  void invoke(std::int64_t p, const char* f, Json v = Json()) { ops.push_back(event(p, OpType::Invoke, f, std::move(v))); }
  void ok(std::int64_t p, const char* f, Json v) { ops.push_back(event(p, OpType::Ok, f, std::move(v))); }
  void write(std::int64_t p, int v) {
    invoke(p, "write", v);
    ok(p, "write", v);
  }
  void read(std::int64_t p, int v) {
    invoke(p, "read");
    ok(p, "read", v);
  }
};

// The cut refutation alone on the history's one partition, every stretch
// searched (no merging).
std::optional<SearchResult> cut_alone(const History& h, Partition* out = nullptr) {
  const Model* model = find_model("register");
  Partition part = encode_partition(h, plan_partitions(h).at(0), *model, std::nullopt);
  std::optional<SearchResult> r = refute_after_cuts(part, *model, SearchBudget{}, 1);
  if (out) *out = std::move(part);
  return r;
}

CheckResult check(const History& h) {
  CheckOptions opts;
  opts.model = "register";
  return find_checker("linearizable")->check(h, opts);
}

// Writes of 1 and 2 that overlap and both complete: either may be last, so
// the register holds 1 or 2 when the next op begins.
void two_concurrent_writes(Events& e) {
  e.invoke(1, "write", 1);
  e.invoke(2, "write", 2);
  e.ok(1, "write", 1);
  e.ok(2, "write", 2);
}

}  // namespace

TEST_CASE("a stale read after a point where nothing is open is refuted from every state that point allows",
          "[linear]") {
  // Before the cut: the register holds 1 or 2. After it, writes of 3 and 4
  // run long while one process reads 3, 4, then 3 again, and 3 is never
  // written again before that read ends: no start state explains the second
  // read of 3. The later write of 3 repeats the value, so no refutation that
  // needs unique values sees it.
  Events e;
  two_concurrent_writes(e);
  e.invoke(5, "write", 3);
  e.invoke(6, "write", 4);
  e.read(7, 3);
  e.read(7, 4);
  e.read(7, 3);
  e.ok(5, "write", 3);
  e.ok(6, "write", 4);
  e.write(7, 3);
  const History h = history_of(e.ops);
  Partition part;
  const std::optional<SearchResult> r = cut_alone(h, &part);
  REQUIRE(r.has_value());
  CHECK(r->valid == Validity::Invalid);
  CHECK(r->method == "wgl after a cut");
  INFO(r->explanation);
  CHECK(r->explanation.find("one of 1, 2") != std::string::npos);
  // The op that could not be linearized is one after the cut (the first
  // four events), named by its index in the whole partition.
  REQUIRE(r->blocked >= 0);
  CHECK(part.ops[static_cast<std::size_t>(r->blocked)].call >= 4);
  CHECK(check(h).valid == Validity::Invalid);
}

TEST_CASE("a stretch that one of the states before it lets through is not refuted", "[linear]") {
  // Read 1 after the cut: valid, since write 2 may be linearized before
  // write 1. A refutation from the state "2" alone would be wrong.
  Events e;
  two_concurrent_writes(e);
  e.read(3, 1);
  const History h = history_of(e.ops);
  CHECK_FALSE(cut_alone(h).has_value());
  CHECK(check(h).valid == Validity::Valid);
}

TEST_CASE("only a write no later write began after can leave its value at a cut", "[linear]") {
  // Write 1 completes before write 2 begins, so the register holds 2 at the
  // cut; a read of 1 after it is refuted, from the one state "2".
  Events e;
  e.write(1, 1);
  e.write(2, 2);
  e.read(3, 1);
  const History h = history_of(e.ops);
  const std::optional<SearchResult> r = cut_alone(h);
  REQUIRE(r.has_value());
  INFO(r->explanation);
  CHECK(r->explanation.find("leave the state at 2;") != std::string::npos);
  CHECK(r->entry_state >= 0);
  CHECK(check(h).valid == Validity::Invalid);
}

TEST_CASE("a history with no point where nothing is open, or an op never completed, is left to the search",
          "[linear]") {
  Events e;
  e.invoke(1, "write", 1);  // never completes: no cut after it
  e.write(2, 2);
  e.read(3, 1);
  e.read(3, 2);
  CHECK_FALSE(cut_alone(history_of(e.ops)).has_value());
}

}  // namespace fl::test
