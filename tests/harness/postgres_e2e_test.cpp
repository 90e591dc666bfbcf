// PostgreSQL end to end: a real server in an fl- namespace, list-append
// transactions at serializable for ~12 s, the log stored, and nothing left
// behind: no postgres process, no data directory, no namespace. Needs root
// and Debian's postgresql; reported skipped otherwise.
// The history is judged against strict serializability, what SERIALIZABLE
// promises. PostgreSQL 15's SERIALIZABLE commits G2-item cycles now and then
// (two rw-antidependencies in a row; README "PostgreSQL", reproduced without
// faultline by scripts/postgres-ssi-repro), which a 12 s run sometimes shows;
// exactly those are let through (postgres_known_anomaly.h), so any other
// anomaly fails the test, and so does a client that ran at a weaker level by
// mistake (the second case runs one at read committed).
#include <filesystem>
#include <optional>

#include <catch2/catch.hpp>

#include "tests/skip.h"

#include "harness/runner.h"
#include "e2e_support.h"
#include "postgres_known_anomaly.h"
#include "temp_store.h"

using namespace fl;
namespace fs = std::filesystem;

namespace {

// A 12 s list-append run against one PostgreSQL node at `isolation`, judged
// against strict serializability; checks that its wire log holds every
// transaction's statements and that nothing is left behind.
// nullopt when PostgreSQL is not installed (the case is then skipped).
std::optional<TestOutcome> run_postgres(const std::string& isolation) {
  bool installed = false;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/usr/lib/postgresql", ec))
    installed |= fs::exists(e.path() / "bin" / "postgres");
  if (!installed) return std::nullopt;
  test::ClusterGuard guard;
  test::TempStore store;
  const std::string data_root = "/tmp/faultline-postgres-e2e";
  test::RemoveDir remove_logs{data_root};
  TestOptions o;
  o.system = "postgres";
  o.workload = "list-append";
  o.system_options = {{"data-root", data_root}, {"isolation", isolation}};
  o.nodes = 1;
  o.time_limit_s = 12;
  o.concurrency = 5;
  o.timeout_s = 5;
  o.store_dir = store.path;
  o.progress = false;
  o.plots = false;  // the page draws its own; gnuplot costs seconds a run
  o.print_summary = false;
  TestOutcome out = TestRun(o).run();
  CHECK(out.counts.ok > 20);
  REQUIRE_FALSE(out.run_dir.empty());
  CHECK(fs::file_size(out.run_dir + "/nodes/n1/n1.log") > 0);
  CHECK(test::lines_with({"ip", "netns", "list"}, "fl-").empty());
  CHECK(test::processes_using(data_root).empty());
  CHECK_FALSE(fs::exists(data_root + "/n1"));
  // The statements each transaction sent, with their parameters written in
  // (checked here: the store goes with this function).
  test::WireCoverage wire = test::wire_coverage(out.run_dir, "COMMIT");
  CHECK(wire.mismatched == 0);
  CHECK(wire.request_seen);
  CHECK(wire.ok_ops_with_exchanges == wire.ok_ops);
  CHECK(wire.exchanges > wire.ok_ops);  // BEGIN, the statements, COMMIT
  return out;
}

}  // namespace

TEST_CASE("PostgreSQL at serializable gives a strictly serializable list-append history but for its known G2-item, and leaves nothing behind") {
  FL_REQUIRE_ROOT();
  std::optional<TestOutcome> out = run_postgres("serializable");
  if (!out) FL_SKIP("PostgreSQL is not installed (scripts/setup installs it)");
  const Json& judged = out->results["checkers"]["txn-list-append"];
  INFO(judged.dump());
  CHECK(judged["consistency-models"] == Json::array({"strict-serializable"}));
  CHECK(test::beyond_known_postgres_anomaly(judged) == "");
  // Invalid only by the checker that let PostgreSQL's known cycle through.
  CHECK(out->results["checkers"]["stats"]["valid"] == true);
  CHECK(out->valid == (judged["valid"] == true ? Validity::Valid : Validity::Invalid));
  if (judged["valid"] == false) WARN("PostgreSQL committed its known G2-item: " << judged["anomaly-counts"].dump());
  CHECK(judged["edges"].get<int>() > 0);
}

// The predicate is no blanket pass: a client at read committed by mistake
// fails it (lost updates, read skew; 10 of 10 runs in README's table).
TEST_CASE("PostgreSQL at read committed fails the serializable case's predicate") {
  FL_REQUIRE_ROOT();
  std::optional<TestOutcome> out = run_postgres("read-committed");
  if (!out) FL_SKIP("PostgreSQL is not installed (scripts/setup installs it)");
  const Json& judged = out->results["checkers"]["txn-list-append"];
  INFO(judged.dump());
  CHECK(out->valid == Validity::Invalid);
  CHECK(test::beyond_known_postgres_anomaly(judged) != "");
}
