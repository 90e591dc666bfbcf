// The lock workload: what each worker is given next, from what its previous
// ops came back with, and what the lock checker is told.
#include <set>
#include <thread>

#include <catch2/catch.hpp>

#include "workloads/workload.h"

using namespace fl;

namespace {

Completion ok(Json v = nullptr) { return {OpType::Ok, std::move(v), ""}; }
Completion fail() { return {OpType::Fail, nullptr, "refused"}; }
Completion info() { return {OpType::Info, nullptr, "timed out"}; }

}  // namespace

TEST_CASE("a lock worker writes with the token its acquire got, then releases, then acquires as a new client") {
  WorkloadOptions o;
  o.params = {{"pause-rate", 0}, {"ttl-ms", 250}};
  auto w = make_workload("lock", o);
  REQUIRE(w);
  CHECK(w->checkers() == std::vector<std::string>{"lock", "stats"});
  std::mt19937_64 rng(1);
  OpSpec a = w->next(rng);
  REQUIRE(a.f == "acquire");
  CHECK(a.value["ttl_ms"] == 250);
  std::string client = a.value["client"];
  Json got = a.value;
  got["token"] = 41;
  w->completed(a, ok(got));
  OpSpec wr = w->next(rng);
  REQUIRE(wr.f == "write");
  CHECK(wr.value["token"] == 41);
  CHECK(wr.value["client"] == client);
  w->completed(wr, ok(wr.value));
  OpSpec rel = w->next(rng);
  REQUIRE(rel.f == "release");
  CHECK(rel.value["token"] == 41);
  w->completed(rel, ok(rel.value));
  OpSpec again = w->next(rng);
  REQUIRE(again.f == "acquire");
  CHECK(again.value["client"] != client);
}

TEST_CASE("a refused acquire is tried again, and an indeterminate op starts the next process with nothing held") {
  WorkloadOptions o;
  o.params = {{"pause-rate", 0}};
  auto w = make_workload("lock", o);
  std::mt19937_64 rng(2);
  OpSpec a = w->next(rng);
  w->completed(a, fail());
  CHECK(w->next(rng).f == "acquire");
  OpSpec b = w->next(rng);
  Json got = b.value;
  got["token"] = 3;
  w->completed(b, ok(got));
  OpSpec wr = w->next(rng);
  REQUIRE(wr.f == "write");
  w->completed(wr, info());
  CHECK(w->next(rng).f == "acquire");
}

TEST_CASE("with pauses on, some holds pause past the lease before the write, and each worker keeps its own cycle") {
  WorkloadOptions o;
  o.params = {{"pause-rate", 1}, {"ttl-ms", 100}};
  auto w = make_workload("lock", o);
  std::mt19937_64 rng(3);
  OpSpec a = w->next(rng);
  Json got = a.value;
  got["token"] = 1;
  w->completed(a, ok(got));
  // Another worker, on its own thread, starts from the beginning.
  std::thread([&] {
    std::mt19937_64 other(4);
    CHECK(w->next(other).f == "acquire");
  }).join();
  OpSpec p = w->next(rng);
  REQUIRE(p.f == "pause");
  CHECK(p.value["ms"] == 200);  // twice the lease by default
  w->completed(p, ok(p.value));
  CHECK(w->next(rng).f == "write");
  REQUIRE(w->final_ops().size() == 1);
  CHECK(w->final_ops()[0].f == "read");
}

TEST_CASE("a lock workload knob out of range is refused in one sentence naming it") {
  WorkloadOptions o;
  o.params = {{"pause-rate", 2}};
  CHECK_THROWS_WITH(make_workload("lock", o), Catch::Contains("pause-rate"));
  o.params = {{"ttl-ms", 0}};
  CHECK_THROWS_WITH(make_workload("lock", o), Catch::Contains("ttl-ms"));
}
