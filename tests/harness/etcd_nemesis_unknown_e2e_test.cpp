// A run that asked for faults and applied none did not test what it claims:
// its verdict is unknown (exit 2) with the reason in results.json, however
// valid its history looks. Real etcd on one node in an fl- namespace; needs
// root (reported skipped otherwise).
#include <fstream>

#include <catch2/catch.hpp>

#include "tests/skip.h"

#include "harness/runner.h"
#include "e2e_support.h"
#include "temp_store.h"

using namespace fl;

TEST_CASE("a run whose nemesis never applied a fault is unknown, with the reason in results.json") {
  FL_REQUIRE_ROOT();
  test::ClusterGuard guard;
  test::TempStore store;
  const std::string data_root = "/tmp/faultline-etcd-nemesis-unknown-e2e";
  test::RemoveDir remove_data{data_root};
  TestOptions o = test::etcd_register_run(data_root, store.path);
  o.nemesis = {"partition"};
  o.nemesis_interval_s = 60;  // the main phase ends long before the first fault
  o.quiet_s = 0;
  o.nodes = 1;
  o.time_limit_s = 3;
  o.concurrency = 2;
  TestOutcome out = TestRun(o).run();
  CHECK(out.counts.ok > 0);
  CHECK(out.valid == Validity::Unknown);
  CHECK(out.exit_code == 2);
  std::ifstream in(out.run_dir + "/results.json");
  const Json results = Json::parse(in);
  INFO(results.dump());
  CHECK(results["valid"] == "unknown");
  CHECK(results["checkers"]["linearizable"]["valid"] == true);  // the history itself is fine
  REQUIRE(results["run-problems"].size() == 1);
  CHECK(results["run-problems"][0].get<std::string>().find("the nemesis never applied a fault") == 0);
  CHECK(results["reason"].get<std::string>().find("the nemesis never applied a fault") != std::string::npos);
}
