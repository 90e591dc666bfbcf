// txn-list-append on simulated histories: a strictly serializable store's
// history is valid; each textbook anomaly planted in one is found.
#include <catch2/catch.hpp>

#include "checkers/registry.h"
#include "tests/checkers/txn_sim.h"

namespace fl::test {

TEST_CASE("the history of a strictly serializable store is valid under strict serializability") {
  sim::TxnSimOptions o;
  o.seed = 5;
  o.txns = 20000;
  History h = sim::simulate_list_append(o);
  CheckResult r = find_checker("txn-list-append")->check(h, CheckOptions{});
  INFO(r.summary);
  CHECK(r.valid == Validity::Valid);
  CHECK(r.detail["sccs"] == 0);
}

TEST_CASE("every planted anomaly class is found in a long history") {
  sim::TxnSimOptions o;
  o.seed = 6;
  o.txns = 5000;
  o.plants = sim::all_plants();
  History h = sim::simulate_list_append(o);
  CheckResult r = find_checker("txn-list-append")->check(h, CheckOptions{});
  CHECK(r.valid == Validity::Invalid);
  for (sim::Plant p : o.plants) {
    INFO(sim::plant_anomaly(p) << " in " << r.detail["anomaly-types"].dump());
    bool found = false;
    for (const Json& t : r.detail["anomaly-types"]) found |= t == sim::plant_anomaly(p);
    CHECK(found);
  }
}

}  // namespace fl::test
