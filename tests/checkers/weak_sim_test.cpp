// Property tests of the weak checkers on seeded simulators: histories of a
// sequentially consistent store, of a causally convergent one (LWW with
// causal delivery) and of a causal memory (apply order, causal delivery) must
// pass the models they implement; the causal store with reads sent to a
// random replica must be caught.
#include <catch2/catch.hpp>

#include "checkers/registry.h"
#include "tests/checkers/weak_sim.h"

namespace {

fl::CheckResult run(const char* checker, const fl::History& h) {
  const fl::Checker* c = fl::find_checker(checker);
  REQUIRE(c != nullptr);
  return c->check(h, fl::CheckOptions{});
}

void require_valid(const char* checker, const fl::History& h) {
  fl::CheckResult r = run(checker, h);
  if (r.valid != fl::Validity::Valid) FAIL(checker << " rejected " << h.source() << ": " << r.detail["anomalies"].dump());
}

}  // namespace

TEST_CASE("1,000 sequentially consistent list-append histories pass the session checker", "[checkers][session][sim]") {
  for (std::uint64_t seed = 1; seed <= 1000; ++seed) {
    fl::sim::SimOptions o;
    o.seed = seed;
    o.processes = 2 + static_cast<int>(seed % 5);
    o.keys = 1 + static_cast<int>(seed % 4);
    require_valid("session", fl::sim::sc_list_append(o));
  }
}

TEST_CASE("1,000 sequentially consistent register histories pass the session and causal checkers", "[checkers][causal][sim]") {
  for (std::uint64_t seed = 1; seed <= 1000; ++seed) {
    fl::sim::SimOptions o;
    o.seed = seed;
    o.processes = 2 + static_cast<int>(seed % 5);
    o.keys = 1 + static_cast<int>(seed % 4);
    fl::History h = fl::sim::sc_registers(o);
    require_valid("session", h);
    require_valid("causal", h);
  }
}

TEST_CASE("1,000 causally convergent register histories (LWW, causal delivery) pass CC, CCv and the session checker", "[checkers][causal][sim]") {
  for (std::uint64_t seed = 1; seed <= 1000; ++seed) {
    fl::sim::SimOptions o;
    o.seed = seed;
    o.processes = 2 + static_cast<int>(seed % 5);
    o.keys = 1 + static_cast<int>(seed % 4);
    o.replicas = 2 + static_cast<int>(seed % 3);
    fl::History h = fl::sim::causal_registers(o);
    require_valid("causal-consistency", h);
    require_valid("causal-convergence", h);
    require_valid("session", h);
  }
}

TEST_CASE("1,000 causal-memory register histories (apply order, causal delivery) pass CC and CM", "[checkers][causal][sim]") {
  for (std::uint64_t seed = 1; seed <= 1000; ++seed) {
    fl::sim::SimOptions o;
    o.seed = seed;
    o.processes = 2 + static_cast<int>(seed % 5);
    o.keys = 1 + static_cast<int>(seed % 4);
    o.replicas = 2 + static_cast<int>(seed % 3);
    o.convergent = false;
    fl::History h = fl::sim::causal_registers(o);
    require_valid("causal-consistency", h);
    require_valid("causal-memory", h);
    // Not `session`: its register analysis assumes one version order per key,
    // which diverging replicas do not have.
  }
}

TEST_CASE("a causal store whose reads go to a random replica is caught by the causal and session checkers", "[checkers][causal][sim]") {
  int causal_caught = 0, session_caught = 0;
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    fl::sim::SimOptions o;
    o.seed = seed;
    o.bug = true;
    o.keys = 2;
    fl::History h = fl::sim::causal_registers(o);
    causal_caught += run("causal", h).valid == fl::Validity::Invalid;
    session_caught += run("session", h).valid == fl::Validity::Invalid;
  }
  CHECK(causal_caught > 50);
  CHECK(session_caught > 50);
}
