#include <catch2/catch.hpp>

#include <cstdlib>
#include <set>

#include "../shaper/shaper_netns.h"
#include "cluster/process.h"
#include "nemesis/fault_journal.h"
#include "nemesis/nemesis.h"
#include "nemesis/traffic.h"
#include "nemesis_guard.h"

using namespace fl;
using fl::test::test_address;

namespace {

bool shape_chain_in(const std::string& netns) {
  return run_process({"ip", "netns", "exec", netns, "iptables", "-w", "-S", "FL-SHAPE"}).ok();
}

bool queue_bound_in(const std::string& netns) {
  RunResult r = run_process({"ip", "netns", "exec", netns, "cat", "/proc/net/netfilter/nfnetlink_queue"});
  std::istringstream in(r.out);
  int q;
  std::string rest;
  while (in >> q && std::getline(in, rest))
    if (q == 47) return true;
  return false;
}

int shaper_pid(const std::string& node) {
  auto text = test::read_text("/run/faultline/fl-shaper-" + node + ".json");
  if (text.empty()) return 0;
  return nlohmann::json::parse(text).value("pid", 0);
}

bool running(int pid) { return pid > 0 && test::process_state(pid) != '?' && test::process_state(pid) != 'Z'; }

}  // namespace

TEST_CASE("without sch_netem, delay runs fl-shaper on every node: 50 ms ± 10 ms measured, and stop leaves no rule, "
          "queue or process",
          "[nemesis][root]") {
  FL_REQUIRE_ROOT();
  if (netem_in_kernel()) FL_SKIP("this kernel has sch_netem, so the delay nemesis uses tc netem, not fl-shaper");
  setenv("FL_SHAPER", FL_SHAPER_BINARY, 1);
  test::NemesisCluster c(2);
  NemesisContext ctx{c.cluster->hosts(), nullptr, nullptr};
  auto delay = make_nemesis("delay");
  NemesisEvent started = delay->start(ctx);
  CHECK(started.value["shaper"] == "nfqueue");
  CHECK(shape_chain_in("fl-n1"));
  CHECK(queue_bound_in("fl-n1"));
  int pid = shaper_pid("n1");
  CHECK(running(pid));
  auto got = test::udp_arrivals("fl-n1", "fl-n2", test_address(2), 7310, 100, 5000, 300);
  std::vector<double> d;
  for (const auto& a : got) d.push_back(a.delay_ms);
  std::sort(d.begin(), d.end());
  REQUIRE(d.size() == 100);
  INFO("one-way delay p50 " << d[50] << " ms, p99 " << d[98] << " ms");
  CHECK(d[50] == Approx(50).margin(5));
  NemesisEvent stopped = delay->stop(ctx);
  INFO(stopped.value.dump());
  CHECK(stopped.value["shaper_stats"]["n1"]["received"].get<int>() >= 100);
  CHECK_FALSE(shape_chain_in("fl-n1"));
  CHECK_FALSE(shape_chain_in("fl-n2"));
  CHECK_FALSE(queue_bound_in("fl-n1"));
  CHECK_FALSE(running(pid));
  CHECK(test::read_text("/run/faultline/fl-shaper-n1.log").empty());  // its log went with it
  CHECK(journaled_faults().empty());
  CHECK(test::udp_delivered("fl-n1", "fl-n2", test_address(2), 7311, 50) >= 49);
}

TEST_CASE("faultline heal removes the shaper's rules and stops fl-shaper after a run that died", "[nemesis][root]") {
  FL_REQUIRE_ROOT();
  if (netem_in_kernel()) FL_SKIP("this kernel has sch_netem, so the duplicate nemesis uses tc netem, not fl-shaper");
  setenv("FL_SHAPER", FL_SHAPER_BINARY, 1);
  test::NemesisCluster c(2);
  NemesisContext ctx{c.cluster->hosts(), nullptr, nullptr};
  auto dup = make_nemesis("duplicate", {{"duplicate", 50}});
  CHECK(dup->start(ctx).value["shaper"] == "nfqueue");
  int pid1 = shaper_pid("n1"), pid2 = shaper_pid("n2");
  REQUIRE(running(pid1));
  REQUIRE(running(pid2));
  auto got = test::udp_arrivals("fl-n1", "fl-n2", test_address(2), 7312, 100, 2000, 200);
  std::set<std::uint32_t> distinct;
  for (const auto& a : got) distinct.insert(a.seq);
  INFO("received " << got.size() << ", " << distinct.size() << " distinct");
  CHECK(distinct.size() == 100);
  CHECK(got.size() > 120);  // binomial(100, 0.5) copies: above 20 by far
  // As `faultline heal` after a SIGKILL: only the journal is left to go by.
  CHECK(heal_journaled().size() == 1);
  CHECK_FALSE(shape_chain_in("fl-n1"));
  CHECK_FALSE(queue_bound_in("fl-n2"));
  CHECK_FALSE(running(pid1));
  CHECK_FALSE(running(pid2));
  CHECK(test::read_text("/run/faultline/fl-shaper-n2.log").empty());
  CHECK(journaled_faults().empty());
}

namespace {

double median_delay_ms(const std::string& from, const std::string& to, int node, int port) {
  auto got = test::udp_arrivals(from, to, test_address(node), port, 60, 5000, 300);
  std::vector<double> d;
  for (const auto& a : got) d.push_back(a.delay_ms);
  std::sort(d.begin(), d.end());
  return d.empty() ? -1 : d[d.size() / 2];
}

}  // namespace

TEST_CASE("a delay aimed at one link (target n1, peers n2) delays n1 to n2 and nothing else", "[nemesis][root]") {
  FL_REQUIRE_ROOT();
  setenv("FL_SHAPER", FL_SHAPER_BINARY, 1);
  test::NemesisCluster c(3);
  NemesisContext ctx{c.cluster->hosts(), nullptr, nullptr};
  auto delay = make_nemesis("delay", {{"target", "n1"}, {"peers", "n2"}});
  NemesisEvent started = delay->start(ctx);
  INFO(started.value.dump());
  CHECK(started.value["shaper"] == "nfqueue");  // a link is shaped by fl-shaper, netem or not
  CHECK(started.value["nodes"] == nlohmann::json::array({"n1"}));
  CHECK(started.value["peers"] == nlohmann::json{{"n1", {"n2"}}});
  CHECK(shape_chain_in("fl-n1"));
  CHECK_FALSE(shape_chain_in("fl-n2"));
  double to_n2 = median_delay_ms("fl-n1", "fl-n2", 2, 7320);
  double to_n3 = median_delay_ms("fl-n1", "fl-n3", 3, 7321);
  double back = median_delay_ms("fl-n2", "fl-n1", 1, 7322);
  INFO("n1->n2 " << to_n2 << " ms, n1->n3 " << to_n3 << " ms, n2->n1 " << back << " ms");
  CHECK(to_n2 == Approx(50).margin(5));
  CHECK(to_n3 >= 0);
  CHECK(to_n3 < 5);
  CHECK(back >= 0);
  CHECK(back < 5);
  delay->stop(ctx);
  CHECK_FALSE(shape_chain_in("fl-n1"));
  CHECK(journaled_faults().empty());
}

TEST_CASE("partition-one+delay+duplicate applies a partition and one merged shaper at once, and stop undoes both",
          "[nemesis][root]") {
  FL_REQUIRE_ROOT();
  if (netem_in_kernel()) FL_SKIP("this kernel has sch_netem, so the packet faults use tc netem, not fl-shaper");
  setenv("FL_SHAPER", FL_SHAPER_BINARY, 1);
  test::NemesisCluster c(3);
  std::mt19937_64 rng(7);
  NemesisContext ctx{c.cluster->hosts(), nullptr, &rng};
  auto both = make_nemesis("partition-one+delay+duplicate");
  REQUIRE(both != nullptr);
  CHECK(both->name() == "partition-one+delay+duplicate");
  NemesisEvent started = both->start(ctx);
  INFO(started.value.dump());
  CHECK(started.f == "start-partition-one+delay+duplicate");
  CHECK(started.value["shaper"] == "nfqueue");  // lifted, so the run names the shaper
  const auto& packets = started.value["parts"]["delay+duplicate"];
  CHECK(packets["delay_ms"] == 50);  // one shaper with both faults
  CHECK(packets["duplicate"] == 5);
  CHECK(started.value["parts"].contains("partition"));
  int partitioned = 0;
  for (const char* ns : {"fl-n1", "fl-n2", "fl-n3"})
    partitioned += run_process({"ip", "netns", "exec", ns, "iptables", "-w", "-S", "FL-PARTITION"}).out.find("DROP") !=
                   std::string::npos;
  CHECK(partitioned == 3);  // the isolated node drops both others, they drop it
  CHECK(shape_chain_in("fl-n1"));
  NemesisEvent stopped = both->stop(ctx);
  CHECK(stopped.value["parts"].contains("delay+duplicate"));
  CHECK_FALSE(shape_chain_in("fl-n1"));
  CHECK_FALSE(run_process({"ip", "netns", "exec", "fl-n1", "iptables", "-w", "-S", "FL-PARTITION"}).ok());
  CHECK(journaled_faults().empty());
}
