// A real 3-node etcd cluster partitioned every 3 s for 14 s (two partitions,
// each healed). The history must hold the nemesis's events, clients cut
// off from the majority must record info/fail, the verdict must still be
// linearizable, and afterwards no fl- rule, qdisc, namespace or daemon may
// remain. Needs root; reported skipped otherwise.
#include <filesystem>

#include <catch2/catch.hpp>

#include "tests/skip.h"

#include "checkers/registry.h"
#include "harness/runner.h"
#include "history/format.h"
#include "e2e_support.h"
#include "temp_store.h"

using namespace fl;
namespace fs = std::filesystem;

TEST_CASE("etcd under a partition every 3 s records the faults, loses no linearizability and leaves nothing behind") {
  FL_REQUIRE_ROOT();
  test::ClusterGuard guard;
  test::TempStore store;
  const std::string data_root = "/tmp/faultline-etcd-partition-e2e";
  test::RemoveDir remove_data{data_root};

  TestOptions o = test::etcd_register_run(data_root, store.path);
  o.nemesis = {"partition"};
  o.nemesis_interval_s = 3;
  o.quiet_s = 3;
  o.nodes = 3;
  o.time_limit_s = 14;
  o.concurrency = 10;
  o.timeout_s = 1;
  o.seed = 20261123;
  TestOutcome out = TestRun(o).run();
  REQUIRE_FALSE(out.run_dir.empty());

  History h = read_history(out.run_dir + "/history.jsonl", Format::Jsonl);
  const test::FaultEvents faults = test::fault_events(h);
  CHECK(faults.starts >= 2);
  CHECK(faults.stops == faults.starts);  // every fault healed, and the heal recorded
  // Some clients talked to a node cut off from the majority: their ops could
  // not be acknowledged.
  CHECK(out.counts.info + out.counts.fail > 0);
  CHECK(out.counts.ok > 100);
  REQUIRE(find_checker("linearizable"));
  CHECK(out.valid == Validity::Valid);
  CHECK(out.results["checkers"]["linearizable"]["valid"] == true);

  CHECK(test::lines_with({"ip", "netns", "list"}, "fl-").empty());
  CHECK(test::lines_with({"ip", "-o", "link", "show"}, "fl-").empty());
  CHECK(test::lines_with({"iptables-save"}, "FL-").empty());
  CHECK(test::lines_with({"tc", "qdisc", "show"}, "tbf").empty());
  CHECK(test::processes_using(data_root).empty());
}
