// Property test: on random small histories of every model (concurrent and
// sequential stretches, ok / fail / info / never-completed ops, valid and
// invalid), the linearizability checker agrees with the oracle of oracle.h,
// which has its own models and its own reading of the ops: the generator
// hands it the operations it made, never the History the checker reads.
// Seeded and reproducible; a disagreement prints the history.
#include <catch2/catch.hpp>

#include <random>

#include "checkers/linear/cut.h"
#include "checkers/linear/partition.h"
#include "checkers/models/model.h"
#include "checkers/registry.h"
#include "linear_support.h"
#include "oracle.h"

namespace fl::test {
namespace {

struct Gen {
  std::mt19937_64 rng;
  int pick(int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); }
  bool chance(int percent) { return pick(100) < percent; }
  Json small() { return pick(3); }
  Json maybe_null() { return pick(4) == 0 ? Json() : small(); }
};

struct OpSpec {
  std::string f;
  Json invoke;
  Json result;  // for an ok completion
  std::optional<Json> key;
};

using MakeOp = OpSpec (*)(Gen&);

OpSpec register_op(Gen& g) {
  if (g.chance(50)) return {"read", Json(), g.maybe_null(), std::nullopt};
  Json v = g.small();
  return {"write", v, v, std::nullopt};
}
OpSpec cas_register_op(Gen& g) {
  if (g.chance(30)) {
    Json v = Json::array({g.small(), g.small()});
    return {"cas", v, v, std::nullopt};
  }
  return register_op(g);
}
OpSpec mutex_op(Gen& g) { return {g.chance(50) ? "acquire" : "release", Json(), Json(), std::nullopt}; }
OpSpec kv_op(Gen& g) {
  static const char* results[] = {"", "x", "y", "xy", "yx"};
  Json key = g.chance(50) ? "a" : "b";
  Json v = g.chance(50) ? "x" : "y";
  switch (g.pick(7)) {
    case 0: case 1: return {"get", Json(), results[g.pick(5)], key};
    case 2: case 3: return {"put", v, v, key};
    case 4: {
      Json c = Json::array({results[g.pick(3)], v});
      return {"cas", c, c, key};
    }
    default: return {"append", v, v, key};
  }
}
OpSpec multi_register_op(Gen& g) {
  Json inv = Json::array(), res = Json::array();
  for (int n = 1 + g.pick(2); n > 0; --n) {
    const char* k = g.chance(50) ? "x" : "y";
    if (g.chance(50)) {
      inv.push_back(Json::array({"read", k, nullptr}));
      res.push_back(Json::array({"read", k, g.pick(2)}));
    } else {
      Json v = g.pick(2);
      inv.push_back(Json::array({"write", k, v}));
      res.push_back(Json::array({"write", k, v}));
    }
  }
  return {"txn", inv, res, std::nullopt};
}
OpSpec set_op(Gen& g) {
  if (g.chance(50)) { Json v = g.small(); return {"add", v, v, std::nullopt}; }
  Json r = Json::array();
  for (int v = 0; v < 3; ++v) if (g.chance(40)) r.push_back(v);
  return {"read", Json(), r, std::nullopt};
}
OpSpec queue_op(Gen& g) {
  if (g.chance(50)) { Json v = g.small(); return {"enqueue", v, v, std::nullopt}; }
  return {"dequeue", Json(), g.maybe_null(), std::nullopt};
}

struct Generated {
  std::vector<Op> events;                   // what the checker reads
  std::vector<oracle::Operation> operations;  // what the oracle reads (fail ops left out)
  bool has_info = false, has_fail = false;
};

// Random interleaving of a few processes; some stretches are sequential
// (an op completes right after its invocation).
Generated random_history(Gen& g, MakeOp make, int max_ops) {
  const int processes = 2 + g.pick(2);
  const int total = 1 + g.pick(max_ops);
  Generated out;
  struct Open {
    OpSpec spec;
    int call;
  };
  std::vector<std::optional<Open>> open(static_cast<std::size_t>(processes));
  std::vector<std::int64_t> pid(static_cast<std::size_t>(processes));
  for (int p = 0; p < processes; ++p) pid[static_cast<std::size_t>(p)] = p;
  std::int64_t next_pid = processes;
  int invoked = 0;
  const bool sequential = g.chance(20);
  auto unknown = [&](const Open& o) {
    out.operations.push_back({o.spec.f, o.spec.invoke, Json(), false, o.spec.key, o.call, -1});
    out.has_info = true;
  };
  while (true) {
    bool any_open = false;
    for (auto& o : open) any_open = any_open || o.has_value();
    if (invoked == total && !any_open) break;
    if (invoked == total && g.chance(10)) break;  // leave the rest never completed
    const auto p = static_cast<std::size_t>(g.pick(processes));
    if (!open[p]) {
      if (invoked == total) continue;
      OpSpec s = make(g);
      open[p] = Open{s, static_cast<int>(out.events.size())};
      out.events.push_back(event(pid[p], OpType::Invoke, s.f, s.invoke, s.key));
      ++invoked;
      if (!sequential) continue;
    }
    const Open o = *open[p];
    open[p].reset();
    const int roll = g.pick(100);
    if (roll < 70) {
      out.operations.push_back({o.spec.f, o.spec.invoke, o.spec.result, true, o.spec.key, o.call,
                                static_cast<int>(out.events.size())});
      out.events.push_back(event(pid[p], OpType::Ok, o.spec.f, o.spec.result, o.spec.key));
    } else if (roll < 85) {
      unknown(o);
      out.events.push_back(event(pid[p], OpType::Info, o.spec.f, o.spec.invoke, o.spec.key));
      pid[p] = next_pid++;  // a crashed process never invokes again
    } else {
      out.has_fail = true;
      out.events.push_back(event(pid[p], OpType::Fail, o.spec.f, o.spec.invoke, o.spec.key));
    }
  }
  for (auto& o : open)
    if (o) unknown(*o);
  return out;
}

struct Case {
  const char* model;
  MakeOp make;
  std::optional<Json> init;
};

struct Figures {
  int valid = 0, invalid = 0, with_info = 0, with_fail = 0;
};

Figures agree_with_oracle(const Case& c, std::uint64_t seed, int histories) {
  const Checker* checker = find_checker("linearizable");
  REQUIRE(checker != nullptr);
  const oracle::ModelSpec& spec = oracle::spec(c.model);
  Gen g{std::mt19937_64(seed)};
  Figures fig;
  for (int n = 0; n < histories; ++n) {
    std::optional<Json> init = c.init;
    if (!init && g.chance(50) && std::string(c.model).find("register") != std::string::npos)
      init = Json(0);
    if (!init && g.chance(30) && std::string(c.model) == "mutex") init = Json("locked");
    Generated gen = random_history(g, c.make, 10);
    const History h = history_of(gen.events);
    CheckOptions opts;
    opts.model = c.model;
    opts.init = init;
    opts.threads = n % 2 ? 2 : 1;
    const Validity got = checker->check(h, opts).valid;
    const bool expected = oracle::Search(spec, gen.operations, init.value_or(Json())).linearizable();
    if (got != (expected ? Validity::Valid : Validity::Invalid)) {
      std::string text;
      for (const Op& op : h.ops()) text += to_json(op).dump() + "\n";
      FAIL_CHECK("model " << c.model << " history #" << n << " (seed " << seed << ", init "
                          << init.value_or(Json()).dump() << "): checker says " << to_string(got)
                          << ", the oracle says " << (expected ? "valid" : "invalid") << "\n" << text);
      return fig;
    }
    (expected ? fig.valid : fig.invalid)++;
    fig.with_info += gen.has_info;
    fig.with_fail += gen.has_fail;
  }
  WARN(c.model << ": " << histories << " histories, oracle agrees on all: " << fig.valid << " valid, "
               << fig.invalid << " invalid; " << fig.with_info << " with info ops, " << fig.with_fail
               << " with fail ops");
  CHECK(fig.valid > histories / 20);
  CHECK(fig.invalid > histories / 20);
  CHECK(fig.with_info > histories / 10);
  CHECK(fig.with_fail > histories / 10);
  return fig;
}

const Case kCases[] = {
    {"register", register_op, std::nullopt},
    {"cas-register", cas_register_op, std::nullopt},
    {"mutex", mutex_op, std::nullopt},
    {"kv", kv_op, Json("")},
    {"multi-register", multi_register_op, Json{{"x", 0}, {"y", 0}}},
    {"set", set_op, std::nullopt},
    {"fifo-queue", queue_op, std::nullopt},
    {"unordered-queue", queue_op, std::nullopt},
};

// The cut refutation alone (cut.h), with a cut wherever nothing is open (no
// stretch merged): whenever it refutes a part, the oracle must find the
// whole history not linearizable. Returns how many it refuted.
int cuts_agree_with_oracle(const Case& c, std::uint64_t seed, int histories) {
  const Model* model = find_model(c.model);
  REQUIRE(model != nullptr);
  const oracle::ModelSpec& spec = oracle::spec(c.model);
  Gen g{std::mt19937_64(seed)};
  int refuted = 0;
  for (int n = 0; n < histories; ++n) {
    std::optional<Json> init = c.init;
    if (!init && g.chance(50)) init = Json(0);
    Generated gen = random_history(g, c.make, 12);
    const History h = history_of(gen.events);
    bool cut = false;
    for (const PartitionPlan& plan : plan_partitions(h)) {
      Partition part = encode_partition(h, plan, *model, init);
      cut = cut || refute_after_cuts(part, *model, SearchBudget{}, 1).has_value();
    }
    if (!cut) continue;
    ++refuted;
    if (oracle::Search(spec, gen.operations, init.value_or(Json())).linearizable()) {
      std::string text;
      for (const Op& op : h.ops()) text += to_json(op).dump() + "\n";
      FAIL_CHECK("model " << c.model << " history #" << n << " (seed " << seed << ", init "
                          << init.value_or(Json()).dump() << "): refuted after a cut, but the oracle "
                          << "linearizes it\n" << text);
      return refuted;
    }
  }
  WARN(c.model << ": " << histories << " histories, " << refuted << " refuted after a cut, all invalid");
  return refuted;
}

}  // namespace

TEST_CASE("a refutation after a point where nothing is open agrees with the oracle on 5,000 random registers",
          "[linear][oracle]") {
  // Enough refutations to mean something (about half the histories): a
  // sequential history cuts after every op, so many stretches are searched
  // from their possible states.
  CHECK(cuts_agree_with_oracle({"register", register_op, std::nullopt}, 20261206, 5000) > 1000);
  CHECK(cuts_agree_with_oracle({"cas-register", cas_register_op, std::nullopt}, 20261207, 5000) > 1000);
}

TEST_CASE("the checker agrees with an independent oracle on 10,000 random histories of each model",
          "[linear][oracle]") {
  std::uint64_t seed = 20261123;
  for (const Case& c : kCases) {
    SECTION(c.model) { agree_with_oracle(c, seed, 10000); }
    ++seed;
  }
}

TEST_CASE("the checker agrees with the oracle on 200,000 more random histories", "[linear][soak]") {
  std::uint64_t seed = 77;
  for (const Case& c : kCases) agree_with_oracle(c, seed++, 200000);
}

}  // namespace fl::test
