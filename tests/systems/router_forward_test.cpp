// fl-mrouter carrying a message a node forwards in a client's name: the node
// it reaches answers the client directly, as on Maelstrom's network, and the
// forwarded message counts as one node's message to another, not a client's.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "forwarding_pair.h"
#include "systems/maelstrom/router_counts.h"

using namespace fl;

TEST_CASE("a request n2 forwards to n1 in its client's name is answered by n1 to that client",
          "[maelstrom][no-cluster]") {
  test::ForwardingPair pair("fl-router-forward-test", 40000 + ::getpid() % 10000 * 2, "--counters");
  std::optional<Json> answer = pair.echo_via_n2();
  REQUIRE(answer);
  CHECK(answer->value("type", "") == "echo_ok");
  CHECK(answer->value("echo", "") == "via n2");

  auto counts = [&](const std::string& name) {
    std::ifstream in(pair.file(name));
    return router_counts(std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()));
  };
  Json c1 = counts("n1"), c2 = counts("n2");
  CHECK(c1["client-to-node"]["msgs"] == 0);
  CHECK(c1["node-to-node-received"]["msgs"].get<int>() >= 1);
  CHECK(c1["node-to-client"]["msgs"].get<int>() >= 1);
  CHECK(c2["node-to-node-sent"]["msgs"].get<int>() >= 1);
  CHECK(c2["node-to-client"]["msgs"] == 0);
}
