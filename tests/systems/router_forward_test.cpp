// fl-mrouter carrying a message a node forwards in a client's name: the node
// it reaches answers the client directly, as on Maelstrom's network, and the
// forwarded message counts as one node's message to another, not a client's.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "cluster/process.h"
#include "systems/maelstrom/maelstrom_conn.h"
#include "systems/maelstrom/router_counts.h"

using namespace fl;

TEST_CASE("a request n2 forwards to n1 in its client's name is answered by n1 to that client",
          "[maelstrom][no-cluster]") {
  const std::string dir = "/tmp/fl-router-forward-test-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  struct Cleanup {
    std::string dir;
    ~Cleanup() { std::filesystem::remove_all(dir); }
  } cleanup{dir};
  const int port = 40000 + ::getpid() % 10000 * 2;
  const std::string a1 = "127.0.0.1:" + std::to_string(port), a2 = "127.0.0.1:" + std::to_string(port + 1);
  const std::string peers = "n1=" + a1 + ",n2=" + a2;
  const std::string node = std::string(FL_TEST_DATA) + "/maelstrom/forward_to_n1.py";
  auto start = [&](const std::string& name, const std::string& addr) {
    return spawn_daemon({FL_MROUTER_BINARY, "--node", name, "--listen", addr, "--peers", peers, "--counters",
                         dir + "/" + name + ".jsonl", "--", node},
                        dir + "/" + name + ".log");
  };
  int n1 = start("n1", a1), n2 = start("n2", a2);

  MaelstromConn conn("c1", "n2", "127.0.0.1", port + 1);
  std::optional<Json> answer;
  for (int attempt = 0; attempt < 50 && !answer; ++attempt)  // until both nodes answered init
    answer = conn.call({{"type", "echo"}, {"echo", "via n2"}}, 0.2);
  stop_process(n2, std::chrono::seconds(3));
  stop_process(n1, std::chrono::seconds(3));
  REQUIRE(answer);
  CHECK(answer->value("type", "") == "echo_ok");
  CHECK(answer->value("echo", "") == "via n2");

  auto counts = [&](const std::string& name) {
    std::ifstream in(dir + "/" + name + ".jsonl");
    return router_counts(std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()));
  };
  Json c1 = counts("n1"), c2 = counts("n2");
  CHECK(c1["client-to-node"]["msgs"] == 0);
  CHECK(c1["node-to-node-received"]["msgs"].get<int>() >= 1);
  CHECK(c1["node-to-client"]["msgs"].get<int>() >= 1);
  CHECK(c2["node-to-node-sent"]["msgs"].get<int>() >= 1);
  CHECK(c2["node-to-client"]["msgs"] == 0);
}
