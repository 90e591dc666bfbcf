// The acceptance run: a real 3-node etcd cluster in fl- namespaces,
// register at concurrency 10 for ~10 s, checked, stored, and torn down with
// nothing left behind. Needs root; reported skipped otherwise.
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "tests/skip.h"

#include "checkers/registry.h"
#include "harness/runner.h"
#include "e2e_support.h"
#include "temp_store.h"

using namespace fl;
namespace fs = std::filesystem;

using test::ClusterGuard;
using test::lines_with;
using test::processes_using;

TEST_CASE("a 10 s register test of a 3-node etcd cluster is linearizable, fully stored and leaves nothing behind") {
  FL_REQUIRE_ROOT();
  ClusterGuard guard;
  test::TempStore store;
  const std::string data_root = "/tmp/faultline-etcd-e2e";
  test::RemoveDir remove_logs{data_root};
  TestOptions o;
  o.system = "etcd";
  o.workload = "register";
  o.system_options = {{"data-root", data_root}};
  o.nodes = 3;
  o.time_limit_s = 10;
  o.concurrency = 10;
  o.timeout_s = 1;
  o.store_dir = store.path;
  o.progress = false;
  o.plots = false;  // the page draws its own; gnuplot costs seconds a run
  o.print_summary = false;
  TestOutcome out = TestRun(o).run();

  CHECK(out.counts.ok + out.counts.fail + out.counts.info >= 1000);
  CHECK(out.counts.ok > 0);
  REQUIRE(find_checker("linearizable"));
  CHECK(out.valid == Validity::Valid);
  CHECK(out.results["checkers"]["linearizable"]["valid"] == true);
  REQUIRE_FALSE(out.run_dir.empty());
  for (const char* f : {"history.jsonl", "results.json", "faultline.log", "test.json"})
    CHECK(fs::file_size(out.run_dir + "/" + f) > 0);
  for (const char* n : {"n1", "n2", "n3"}) {
    std::string log = out.run_dir + "/nodes/" + n + "/" + n + ".log";
    CHECK(fs::is_regular_file(log));
    CHECK(fs::file_size(log) > 0);
  }
  CHECK(fs::equivalent(store.path + "/latest", out.run_dir));
  // What the clients said: every op that completed ok sent an HTTP request.
  WireCoverage wire = wire_coverage(out.run_dir, "/v3/kv/");
  CHECK(wire.mismatched == 0);
  CHECK(wire.request_seen);
  CHECK(wire.ok_ops_with_exchanges == wire.ok_ops);
  CHECK(out.results["wire-log"]["exchanges"].get<std::size_t>() == wire.exchanges);

  CHECK(lines_with({"ip", "netns", "list"}, "fl-").empty());
  CHECK(lines_with({"ip", "-o", "link", "show"}, "fl-").empty());
  CHECK(processes_using(data_root).empty());
  CHECK_FALSE(fs::exists(data_root + "/n1"));
}
