#include <catch2/catch.hpp>

#include "../cluster/netns_probe.h"
#include "cluster/process.h"
#include "nemesis/fault_journal.h"
#include "nemesis/nemesis.h"
#include "nemesis/traffic.h"
#include "nemesis_guard.h"

using namespace fl;
using fl::test::test_address;

TEST_CASE("under 50% loss roughly half of 200 probes are lost, and none after heal", "[nemesis][root]") {
  FL_REQUIRE_ROOT();
  test::NemesisCluster c(2);
  NemesisContext ctx{c.cluster->hosts(), nullptr, nullptr};
  auto loss = make_nemesis("loss", {{"loss", 50}});
  loss->start(ctx);
  int got = test::udp_delivered("fl-n1", "fl-n2", test_address(2), 7300, 200);
  INFO("delivered " << got << " of 200");
  CHECK(got > 60);   // binomial(200, 0.5): ±40 is more than 5 standard deviations
  CHECK(got < 140);
  loss->stop(ctx);
  CHECK(journaled_faults().empty());
  CHECK(test::udp_delivered("fl-n1", "fl-n2", test_address(2), 7301, 200) >= 198);
}

TEST_CASE("a rate limit installs a qdisc that heal removes", "[nemesis][root]") {
  FL_REQUIRE_ROOT();
  test::NemesisCluster c(2);
  NemesisContext ctx{c.cluster->hosts(), nullptr, nullptr};
  auto rate = make_nemesis("rate", {{"rate", "2mbit"}});
  rate->start(ctx);
  RunResult r = run_process({"ip", "netns", "exec", "fl-n1", "tc", "qdisc", "show", "dev", "eth0"});
  CHECK((r.out.find("tbf") != std::string::npos || r.out.find("netem") != std::string::npos));
  CHECK(r.out.find("2Mbit") != std::string::npos);
  heal_journaled();
  r = run_process({"ip", "netns", "exec", "fl-n1", "tc", "qdisc", "show", "dev", "eth0"});
  CHECK(r.out.find("2Mbit") == std::string::npos);
}
