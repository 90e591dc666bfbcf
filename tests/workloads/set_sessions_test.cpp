// The set workload and the register's `sessions` knob (what the course
// systems of weaker designs run with).
#include <set>

#include <catch2/catch.hpp>

#include "workloads/workload.h"

using namespace fl;

TEST_CASE("the set workload adds unique values, reads now and then, and ends with a read per node") {
  WorkloadOptions o;
  o.params = {{"read-fraction", 0.25}, {"final-reads", 3}};
  auto w = make_workload("set", o);
  REQUIRE(w);
  std::mt19937_64 rng(7);
  std::set<std::int64_t> added;
  int reads = 0, adds = 0;
  for (int i = 0; i < 4000; ++i) {
    OpSpec op = w->next(rng);
    CHECK_FALSE(op.key.has_value());
    if (op.f == "read") {
      ++reads;
      CHECK(op.value.is_null());
    } else {
      REQUIRE(op.f == "add");
      ++adds;
      CHECK(added.insert(op.value.get<std::int64_t>()).second);  // never the same value twice
    }
  }
  CHECK(reads > 800);
  CHECK(reads < 1200);
  auto finals = w->final_ops();
  REQUIRE(finals.size() == 3);
  for (const OpSpec& op : finals) CHECK(op.f == "read");
  CHECK(w->checkers() == std::vector<std::string>{"set", "stats"});
  o.params = {{"read-fraction", 2}};
  CHECK_THROWS_WITH(make_workload("set", o), Catch::Contains("read-fraction"));
}

TEST_CASE("sessions makes register and kv write unique values without cas and adds the session and causal checkers") {
  for (const char* name : {"register", "kv"}) {
    WorkloadOptions o;
    o.params = {{"sessions", true}, {"mix", {{"read", 1}, {"write", 1}, {"cas", 0}}}};
    auto w = make_workload(name, o);
    REQUIRE(w);
    std::mt19937_64 rng(3);
    std::set<std::int64_t> written;
    for (int i = 0; i < 2000; ++i) {
      OpSpec op = w->next(rng);
      CHECK(op.f != "cas");
      if (op.f == "write") CHECK(written.insert(op.value.get<std::int64_t>()).second);
    }
    CHECK(written.size() > 500);
    auto c = w->checkers();
    for (const char* checker : {"linearizable", "read-your-writes", "monotonic-reads", "monotonic-writes",
                                "writes-follow-reads", "causal"})
      CHECK(std::find(c.begin(), c.end(), checker) != c.end());
  }
}

TEST_CASE("sessions with cas in the mix is refused, saying the session checkers need unique writes") {
  WorkloadOptions o;
  o.params = {{"sessions", true}};
  CHECK_THROWS_WITH(make_workload("register", o), Catch::Contains("unique written values"));
  o.params = {{"sessions", "yes"}};
  CHECK_THROWS_WITH(make_workload("register", o), Catch::Contains("sessions must be true or false"));
}
