#include <catch2/catch.hpp>

#include "../cluster/netns_probe.h"
#include "cluster/process.h"
#include "nemesis/fault_journal.h"
#include "nemesis/firewall.h"
#include "nemesis/nemesis.h"
#include "nemesis_guard.h"

using namespace fl;
using fl::test::test_address;

namespace {

bool chain_exists(const std::string& ns, const std::string& chain) {
  return run_process({"ip", "netns", "exec", ns, "iptables", "-S", chain}).ok();
}

}  // namespace

TEST_CASE("a halves partition drops n1 to n2, keeps n2 to n3, and heal restores every path", "[nemesis][root]") {
  FL_REQUIRE_ROOT();
  test::NemesisCluster c(3);
  test::TcpGreeter g1("fl-n1", 7100), g2("fl-n2", 7100), g3("fl-n3", 7100);
  std::mt19937_64 rng(1);
  NemesisContext ctx{c.cluster->hosts(), nullptr, &rng};
  auto partition = make_nemesis("partition-halves");
  NemesisEvent e = partition->start(ctx);
  CHECK(e.f == "start-partition");
  CHECK(e.value["grudge"] == "halves");
  CHECK(e.value["drops"]["n1"] == nlohmann::json({"n2", "n3"}));
  CHECK_FALSE(journaled_faults().empty());

  CHECK_FALSE(test::tcp_connects("fl-n1", test_address(2), 7100));
  CHECK_FALSE(test::tcp_connects("fl-n3", test_address(1), 7100));
  CHECK(test::tcp_answers("fl-n2", test_address(3), 7100));
  CHECK(test::tcp_answers("fl-n3", test_address(2), 7100));
  CHECK(test::tcp_answers("", test_address(1), 7100));  // the harness still reaches every node

  e = partition->stop(ctx);
  CHECK(e.f == "stop-partition");
  for (int a = 1; a <= 3; ++a)
    for (int b = 1; b <= 3; ++b)
      if (a != b) CHECK(test::tcp_answers("fl-n" + std::to_string(a), test_address(b), 7100));
  CHECK(journaled_faults().empty());
  for (int i = 1; i <= 3; ++i) CHECK_FALSE(chain_exists("fl-n" + std::to_string(i), kPartitionChain));
}

TEST_CASE("a custom JSON grudge drops exactly the paths it names", "[nemesis][root]") {
  FL_REQUIRE_ROOT();
  test::NemesisCluster c(3);
  test::TcpGreeter g2("fl-n2", 7101), g3("fl-n3", 7101);
  NemesisContext ctx{c.cluster->hosts(), nullptr, nullptr};
  auto partition = make_nemesis("partition", {{"grudge", {{"n3", {"n1"}}}}});
  partition->start(ctx);
  CHECK_FALSE(test::tcp_connects("fl-n1", test_address(3), 7101));
  CHECK(test::tcp_answers("fl-n1", test_address(2), 7101));
  CHECK(test::tcp_answers("fl-n2", test_address(3), 7101));
  partition->stop(ctx);
  CHECK(test::tcp_answers("fl-n1", test_address(3), 7101));
}

TEST_CASE("heal removes the partition chain and nothing else, and is safe twice", "[nemesis][root]") {
  FL_REQUIRE_ROOT();
  test::NemesisCluster c(2);
  // A rule faultline does not own, in the node's INPUT chain.
  REQUIRE(run_process({"ip", "netns", "exec", "fl-n1", "iptables", "-A", "INPUT", "-p", "udp", "--dport", "9", "-j", "DROP"}).ok());
  NemesisContext ctx{c.cluster->hosts(), nullptr, nullptr};
  make_nemesis("partition-halves")->start(ctx);
  CHECK(chain_exists("fl-n1", kPartitionChain));
  CHECK(heal_journaled().size() == 1);
  CHECK(heal_journaled().empty());
  CHECK_FALSE(chain_exists("fl-n1", kPartitionChain));
  RunResult r = run_process({"ip", "netns", "exec", "fl-n1", "iptables", "-S", "INPUT"});
  CHECK(r.out.find("--dport 9 -j DROP") != std::string::npos);
}
