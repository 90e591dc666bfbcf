// The network section of results.json and its gates (network_stats.h),
// without a cluster: per-op figures from routers' counts and the history's
// invoked ops, latency quantiles of ok ops, and gates that hold, are missed,
// or cannot be vouched for.
#include <catch2/catch.hpp>

#include <algorithm>

#include "harness/network_stats.h"

using namespace fl;

namespace {

Op event(std::int64_t process, OpType type, std::int64_t time_ms) {
  Op op;
  op.process = process;
  op.type = type;
  op.f = "read";
  op.time = time_ms * 1000000;
  return op;
}

// n ops, one after another on process 0; op i takes i+1 ms and ends ok,
// except the ones listed as failed; plus one nemesis event.
History history(int n, std::vector<int> failed = {}) {
  std::vector<Op> ops;
  std::int64_t t = 0;
  Op nem;
  nem.process = kNemesis;
  nem.type = OpType::Info;
  nem.f = "start-partition";
  nem.time = 0;
  ops.push_back(nem);
  for (int i = 0; i < n; ++i) {
    ops.push_back(event(0, OpType::Invoke, t));
    t += i + 1;
    const bool fail = std::find(failed.begin(), failed.end(), i) != failed.end();
    ops.push_back(event(0, fail ? OpType::Fail : OpType::Ok, t));
  }
  return History(std::move(ops), "test");
}

Json node(int c2n, int n2c, int sent, int received, bool complete = true) {
  Json j = {{"client-to-node", {{"msgs", c2n}, {"bytes", c2n * 100}}},
            {"node-to-client", {{"msgs", n2c}, {"bytes", n2c * 100}}},
            {"node-to-node-sent", {{"msgs", sent}, {"bytes", sent * 10}}},
            {"node-to-node-received", {{"msgs", received}, {"bytes", received * 10}}},
            {"incarnations", 1},
            {"complete", complete}};
  if (!complete) j["reason"] = "1 of its router's 2 runs never stopped cleanly";
  return j;
}

}  // namespace

TEST_CASE("latency quantiles are the nearest ranks of the ok ops' latencies, in ms", "[network][no-cluster]") {
  // 100 ops taking 1..100 ms; ops 99 (100 ms) failed, so 99 ok ops of 1..99 ms.
  Json l = latency_quantiles(history(100, {99}));
  CHECK(l["ops"] == 99);
  CHECK(l["p50"] == 50.0);
  CHECK(l["p95"] == 95.0);
  CHECK(l["p99"] == 99.0);
  CHECK(l["max"] == 99.0);
  CHECK(latency_quantiles(history(0))["ops"] == 0);
  CHECK_FALSE(latency_quantiles(history(0)).contains("p50"));
}

TEST_CASE("the network section divides the routers' counts by every invoked client op", "[network][no-cluster]") {
  // 10 ops (2 failed: still counted), the nemesis event not.
  Json traffic = {{"nodes", {{"n1", node(6, 6, 20, 18)}, {"n2", node(4, 4, 10, 10)}}}};
  Json n = network_section(traffic, history(10, {3, 4}));
  CHECK(n["ops"] == 10);
  CHECK(n["counted"] == true);
  CHECK(n["complete"] == true);
  CHECK(n["total"]["client-to-node"]["msgs"] == 10);
  CHECK(n["client-server"]["msgs"] == 20);
  CHECK(n["client-server"]["msgs-per-op"] == 2.0);
  CHECK(n["client-server"]["bytes-per-op"] == 200.0);
  // server-server counts what was sent, received or not.
  CHECK(n["server-server"]["msgs"] == 30);
  CHECK(n["server-server"]["msgs-per-op"] == 3.0);
  CHECK(n["all"]["msgs-per-op"] == 5.0);
  CHECK(n["latency-ms"]["ops"] == 8);
  CHECK(n["nodes"]["n1"]["node-to-node-received"]["msgs"] == 18);
  CHECK(network_line(n).find("5 msgs/op (server-server 3, client-server 2)") != std::string::npos);
}

TEST_CASE("a node whose counts are incomplete makes the section a lower bound and says why", "[network][no-cluster]") {
  Json traffic = {{"nodes", {{"n1", node(6, 6, 20, 18)}, {"n2", node(4, 4, 10, 10, false)}}}};
  Json n = network_section(traffic, history(10));
  CHECK(n["complete"] == false);
  CHECK(n["reason"].get<std::string>().find("lower bounds") != std::string::npos);
  CHECK(n["reason"].get<std::string>().find("n2: 1 of its router's 2 runs") != std::string::npos);
  CHECK(network_line(n).find("incomplete") != std::string::npos);
}

TEST_CASE("a system that does not count gets latency only", "[network][no-cluster]") {
  Json n = network_section(nullptr, history(4));
  CHECK(n["counted"] == false);
  CHECK_FALSE(n.contains("server-server"));
  CHECK(n["latency-ms"]["ops"] == 4);
  CHECK(network_line(n).find("network:") == std::string::npos);
  CHECK(network_line(n).find("latency of 4 ok ops") != std::string::npos);
}

TEST_CASE("gates hold, are missed with the figure named, or cannot be vouched for", "[network][no-cluster]") {
  Json traffic = {{"nodes", {{"n1", node(6, 6, 20, 18)}, {"n2", node(4, 4, 10, 10)}}}};
  Json n = network_section(traffic, history(10));  // 3 server msgs/op; latency 1..10 ms, p50 5
  NetworkGates g;
  g.max_msgs_per_op = 3;
  g.max_median_latency_ms = 5;
  g.max_latency_ms = 10;
  CheckResult ok = check_gates(g, n);
  CHECK(ok.valid == Validity::Valid);
  CHECK(ok.detail["gates"]["--max-msgs-per-op"]["held"] == true);

  g.max_msgs_per_op = 2.5;
  g.max_latency_ms = 9;
  CheckResult missed = check_gates(g, n);
  CHECK(missed.valid == Validity::Invalid);
  REQUIRE(missed.detail["missed"].size() == 2);
  CHECK(missed.detail["missed"][0] == "server-to-server messages per op was 3, over --max-msgs-per-op 2.5");
  CHECK(missed.detail["missed"][1] == "the highest latency was 10 ms, over --max-latency 9");
  CHECK(missed.summary.find("over --max-latency 9") != std::string::npos);

  // Incomplete counts under the gate prove nothing; over it, they prove it missed.
  Json partial = network_section({{"nodes", {{"n1", node(6, 6, 20, 18, false)}}}}, history(10));
  NetworkGates only_msgs;
  only_msgs.max_msgs_per_op = 5;
  CheckResult unsure = check_gates(only_msgs, partial);
  CHECK(unsure.valid == Validity::Unknown);
  CHECK(unsure.detail["reason"].get<std::string>().find("was at least 2") != std::string::npos);
  only_msgs.max_msgs_per_op = 1;
  CHECK(check_gates(only_msgs, partial).valid == Validity::Invalid);

  // A system that does not count, and a run where nothing succeeded.
  CHECK(check_gates(only_msgs, network_section(nullptr, history(3))).valid == Validity::Unknown);
  NetworkGates lat;
  lat.max_latency_ms = 100;
  CheckResult none = check_gates(lat, network_section(nullptr, history(3, {0, 1, 2})));
  CHECK(none.valid == Validity::Unknown);
  CHECK(none.detail["reason"].get<std::string>().find("no client op succeeded") != std::string::npos);
}
