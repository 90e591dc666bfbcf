// Faults over SSH, against real sshd daemons inside fl- namespaces: the same
// PartitionNemesis, its rules installed through SshHost, journaled on each
// host; after a "crash" (the fault never stopped), `faultline heal --ssh`
// reads the hosts' own journals and undoes exactly that.
#include <catch2/catch.hpp>

#include "../cluster/sshd_fixture.h"
#include "cluster/host_journal.h"
#include "cluster/journal.h"
#include "cluster/process.h"
#include "nemesis/fault_journal.h"
#include "nemesis/partition.h"

using namespace fl;

TEST_CASE("a partition over SSH drops packets between the hosts, and `faultline heal --ssh` restores them after a crash",
          "[nemesis][ssh][root]") {
  FL_REQUIRE_SSHD();
  test::SshdCluster sshd(3);
  std::vector<std::unique_ptr<SshHost>> hosts = sshd.ssh_hosts(sshd.options());
  std::vector<Host*> nodes;
  for (auto& h : hosts) nodes.push_back(h.get());
  std::string a1 = sshd.addresses()[0], a2 = sshd.addresses()[1], a3 = sshd.addresses()[2];
  test::TcpGreeter g1("fl-n1", 7001), g2("fl-n2", 7001), g3("fl-n3", 7001);
  REQUIRE(test::tcp_answers("fl-n1", a2, 7001));

  nlohmann::json grudge = {{"n1", {"n2", "n3"}}, {"n2", {"n1"}}, {"n3", {"n1"}}};
  PartitionNemesis p(nlohmann::json{{"grudge", grudge}});
  NemesisContext ctx;
  ctx.nodes = nodes;
  NemesisEvent e = p.start(ctx);
  CHECK(e.f == "start-partition");
  CHECK_FALSE(test::tcp_answers("fl-n1", a2, 7001));
  CHECK_FALSE(test::tcp_answers("fl-n3", a1, 7001));
  CHECK(test::tcp_answers("fl-n2", a3, 7001));
  CHECK(test::tcp_answers("", a1, 7001));  // the harness still reaches every host
  // The fault is in each host's own journal, naming it by its SSH address.
  for (Host* h : nodes) {
    nlohmann::json j = host_journal::read(*h);
    REQUIRE(j.is_object());
    REQUIRE(j["faults"].size() == 1);
    CHECK(j["faults"][0]["kind"] == "iptables-chain");
    CHECK(j["faults"][0]["nodes"][0]["ssh"] == a1);
  }

  // A crash: this process forgets the fault; the rules stay on the hosts.
  hosts.clear();
  nodes.clear();
  CHECK(test::ns_stdout("fl-n1", {"iptables-save"}).find("FL-PARTITION") != std::string::npos);
  SshOptions o = sshd.options();
  RunResult r = run_process({FL_BINARY, "heal", "--ssh", a1 + "," + a2 + "," + a3, "--ssh-user", "root", "--ssh-key",
                             o.key, "--ssh-known-hosts", o.known_hosts, "--ssh-strict-host-keys"},
                            {std::chrono::seconds(60), {}, {}});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("removed iptables chain FL-PARTITION") != std::string::npos);
  CHECK(test::tcp_answers("fl-n1", a2, 7001));
  CHECK(test::tcp_answers("fl-n3", a1, 7001));
  for (const char* ns : {"fl-n1", "fl-n2", "fl-n3"}) CHECK(test::ns_stdout(ns, {"iptables-save"}).find("FL-") == std::string::npos);
  CHECK_FALSE(std::filesystem::exists(journal::dir() + "/hosts"));
  // The local journal's copy is forgotten too, so a later `faultline heal` has nothing to do.
  for (const auto& f : journaled_faults()) CHECK(f.value("kind", "") != "iptables-chain");
  // Healing again is safe and finds nothing.
  r = run_process({FL_BINARY, "heal", "--ssh", a1, "--ssh-user", "root", "--ssh-key", o.key, "--ssh-known-hosts",
                   o.known_hosts},
                  {std::chrono::seconds(30), {}, {}});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "nothing to heal\n");
}

TEST_CASE("`faultline heal --ssh` exits 64 naming the host for a wrong key, and 70 for a host that is down", "[nemesis][ssh][root]") {
  FL_REQUIRE_SSHD();
  test::SshdCluster sshd(1);
  SshOptions o = sshd.options();
  std::string other = sshd.dir() + "/other_key";
  RunResult r = run_process({FL_BINARY, "heal", "--ssh", sshd.addresses()[0], "--ssh-user", "root", "--ssh-key", other,
                             "--ssh-known-hosts", o.known_hosts},
                            {std::chrono::seconds(30), {}, {}});
  CHECK(r.exit_code == 64);
  CHECK_THAT(r.err, Catch::Contains("n1") && Catch::Contains("--ssh-key"));
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);  // one sentence
  r = run_process({FL_BINARY, "heal", "--ssh", test::ssh_test_address(77), "--ssh-user", "root", "--ssh-key", o.key,
                   "--ssh-known-hosts", o.known_hosts, "--ssh-connect-timeout", "2"},
                  {std::chrono::seconds(30), {}, {}});
  CHECK(r.exit_code == 70);
  CHECK_THAT(r.err, Catch::Contains(test::ssh_test_address(77)) && Catch::Contains("down or unreachable"));
}
