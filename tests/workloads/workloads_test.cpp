#include <map>
#include <set>

#include <catch2/catch.hpp>

#include "workloads/workload.h"

using namespace fl;

TEST_CASE("the register and kv workloads are registered and name their checker and model") {
  auto reg = make_workload("register", {});
  auto kv = make_workload("kv", {});
  REQUIRE(reg);
  REQUIRE(kv);
  CHECK(reg->model() == "cas-register");
  CHECK(kv->model() == "kv");
  CHECK(reg->checkers().front() == "linearizable");
  CHECK(kv->checkers().front() == "linearizable");
  CHECK(make_workload("nosuch", {}) == nullptr);
  CHECK(list_workloads().size() >= 2);
}

TEST_CASE("register ops follow the configured mix over a small value range") {
  WorkloadOptions o;
  o.params = {{"mix", {{"read", 0}, {"write", 1}, {"cas", 3}}}, {"values", 3}};
  auto w = make_workload("register", o);
  std::mt19937_64 rng(1);
  std::map<std::string, int> count;
  for (int i = 0; i < 4000; ++i) {
    OpSpec op = w->next(rng);
    ++count[op.f];
    CHECK_FALSE(op.key.has_value());
    if (op.f == "write") CHECK((op.value.get<int>() >= 0 && op.value.get<int>() < 3));
    if (op.f == "cas") {
      REQUIRE(op.value.size() == 2);
      CHECK(op.value[0].get<int>() < 3);
    }
  }
  CHECK(count["read"] == 0);
  CHECK(count["cas"] > 2 * count["write"]);
  REQUIRE(w->final_ops().size() == 1);
  CHECK(w->final_ops()[0].f == "read");
}

TEST_CASE("kv ops carry keys that rotate so no key gets a long history") {
  WorkloadOptions o;
  o.params = {{"keys", 4}, {"ops-per-key", 100}};
  auto w = make_workload("kv", o);
  std::mt19937_64 rng(2);
  std::map<std::int64_t, int> per_key;
  for (int i = 0; i < 20000; ++i) {
    OpSpec op = w->next(rng);
    REQUIRE(op.key.has_value());
    ++per_key[op.key->get<std::int64_t>()];
  }
  CHECK(per_key.size() > 150);
  for (const auto& [k, n] : per_key) CHECK(n < 200);
  auto last = w->final_ops();
  CHECK(last.size() == 4);
  for (const auto& op : last) CHECK(op.key.has_value());
}

TEST_CASE("a nonsensical mix is refused with one sentence") {
  WorkloadOptions o;
  o.params = {{"mix", {{"read", 0}, {"write", 0}, {"cas", 0}}}};
  CHECK_THROWS_AS(make_workload("register", o), std::invalid_argument);
}

TEST_CASE("the register writes a fresh value every time and a cas expects the value a read saw") {
  auto w = make_workload("register", {});
  std::mt19937_64 rng(3);
  std::set<std::int64_t> written;
  int cas = 0, cas_from_seen = 0;
  std::int64_t seen = -1;
  for (int i = 0; i < 3000; ++i) {
    OpSpec op = w->next(rng);
    if (op.f == "write") CHECK(written.insert(op.value.get<std::int64_t>()).second);
    if (op.f == "cas") {
      REQUIRE(op.value.size() == 2);
      CHECK(written.insert(op.value[1].get<std::int64_t>()).second);
      ++cas;
      if (seen >= 0 && op.value[0] == seen) ++cas_from_seen;
    }
    if (op.f == "read" && i % 7 == 0) {  // some reads come back with a value
      seen = i;
      w->completed(op, Completion{OpType::Ok, seen, ""});
    }
  }
  CHECK(cas > 500);
  CHECK(cas_from_seen > cas / 2);
}

TEST_CASE("values=small gives the register Jepsen's small value range, and nonsense is refused") {
  WorkloadOptions o;
  o.params = {{"values", "small"}};
  auto w = make_workload("register", o);
  std::mt19937_64 rng(4);
  std::set<int> values;
  for (int i = 0; i < 2000; ++i) {
    OpSpec op = w->next(rng);
    if (op.f == "write") values.insert(op.value.get<int>());
  }
  CHECK(values == std::set<int>{0, 1, 2, 3, 4});
  o.params = {{"values", "many"}};
  CHECK_THROWS_AS(make_workload("register", o), std::invalid_argument);
}

TEST_CASE("Maelstrom's unique-ids, g-set and pn-counter workloads make their ops, judged by their checkers") {
  std::mt19937_64 rng(7);
  auto ids = make_workload("unique-ids", {});
  REQUIRE(ids);
  CHECK(ids->next(rng).f == "generate");
  CHECK(ids->checkers() == std::vector<std::string>{"unique-ids", "stats"});
  auto set = make_workload("g-set", {});
  REQUIRE(set);
  CHECK(set->final_ops().size() == 5);
  CHECK(set->checkers().front() == "broadcast");
  auto pn = make_workload("pn-counter", {});
  REQUIRE(pn);
  CHECK(pn->checkers().front() == "pn-counter");
  bool up = false, down = false;
  for (int i = 0; i < 200; ++i) {
    OpSpec op = pn->next(rng);
    if (op.f != "add") continue;
    CHECK(op.value.get<int>() != 0);
    up |= op.value.get<int>() > 0;
    down |= op.value.get<int>() < 0;
  }
  CHECK((up && down));
  for (const char* name : {"txn-rw-register", "txn-list-append"}) {
    auto t = make_workload(name, {});
    REQUIRE(t);
    CHECK(t->next(rng).f == "txn");
  }
}

TEST_CASE("final reads default to one on every node of a bigger cluster, and final-reads still sets them") {
  WorkloadOptions o;
  o.nodes = 25;
  for (const char* name : {"broadcast", "g-set", "set", "g-counter", "pn-counter"}) {
    INFO(name);
    CHECK(make_workload(name, o)->final_ops().size() == 25);
  }
  o.nodes = 2;
  CHECK(make_workload("broadcast", o)->final_ops().size() == 5);
  CHECK(make_workload("set", o)->final_ops().size() == 3);
  o.nodes = 25;
  o.params = {{"final-reads", 7}};
  CHECK(make_workload("g-counter", o)->final_ops().size() == 7);
}
