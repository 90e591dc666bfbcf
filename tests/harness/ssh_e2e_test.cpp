// The SSH path end to end on one machine: real sshd daemons inside fl-
// namespaces stand for three machines; `faultline test --ssh <their
// addresses> --system etcd --nemesis partition,kill` must pass like the local
// run and leave nothing behind, on the "hosts" or here. Needs root and sshd.
#include <filesystem>

#include <catch2/catch.hpp>

#include "../cluster/sshd_fixture.h"
#include "checkers/registry.h"
#include "cluster/journal.h"
#include "harness/runner.h"
#include "history/format.h"
#include "e2e_support.h"
#include "temp_store.h"

using namespace fl;
namespace fs = std::filesystem;

TEST_CASE("etcd over SSH under partitions and kills is linearizable, stored like a local run, and leaves nothing behind",
          "[ssh]") {
  FL_REQUIRE_SSHD();
  test::SshdCluster sshd(3);
  test::TempStore store;
  const std::string data_root = "/tmp/faultline-etcd-ssh-e2e";
  test::RemoveDir remove_data{data_root};
  TestOptions o = test::etcd_register_run(data_root, store.path);
  o.ssh_hosts = sshd.addresses();
  o.ssh = sshd.options();
  // A schedule, not the random rhythm: one partition and one kill however
  // slowly SSH answers on a loaded machine (with --nemesis partition,kill
  // every 3 s, a loaded run once got one fault in 13 s).
  o.schedule = {"3s partition", "2s quiet", "3s kill", "2s quiet"};
  o.quiet_s = 2;
  o.time_limit_s = 13;
  o.concurrency = 6;
  o.timeout_s = 1;
  o.seed = 20261126;
  TestOutcome out = TestRun(o).run();
  REQUIRE_FALSE(out.run_dir.empty());

  History h = read_history(out.run_dir + "/history.jsonl", Format::Jsonl);
  for (const Op& op : h.ops())
    if (op.is_nemesis()) CHECK_FALSE(op.value.contains("error"));  // every fault really applied over SSH
  const test::FaultEvents faults = test::fault_events(h);
  CHECK(faults.starts >= 2);
  CHECK(faults.stops == faults.starts);
  CHECK(out.counts.ok > 100);
  REQUIRE(find_checker("linearizable"));
  CHECK(out.valid == Validity::Valid);
  for (const char* n : {"n1", "n2", "n3"}) CHECK(fs::file_size(out.run_dir + "/nodes/" + n + "/" + n + ".log") > 0);
  nlohmann::json settings = nlohmann::json::parse(std::ifstream(out.run_dir + "/test.json"));
  CHECK(settings["ssh"] == sshd.addresses());

  // Nothing left on the hosts: no rule, no daemon, no journal; nor here: no
  // control socket of this process (its directory goes too when no one else uses it).
  for (const char* ns : {"fl-n1", "fl-n2", "fl-n3"}) CHECK(test::ns_stdout(ns, {"iptables-save"}).find("FL-") == std::string::npos);
  CHECK(test::processes_using(data_root).empty());
  CHECK_FALSE(fs::exists(journal::dir() + "/hosts"));
  CHECK_FALSE(fs::exists(data_root + "/n1"));
  const fs::path control_dir = fs::path("/tmp") / ("fl-ssh-" + std::to_string(geteuid()));
  if (fs::exists(control_dir))
    for (const auto& e : fs::directory_iterator(control_dir))
      CHECK(e.path().filename().string().rfind(std::to_string(getpid()) + "-", 0) != 0);
}
