// fl-mrouter's counts file read back (router_counts.h): each incarnation's
// last line counts, a restarted router adds its own, and a router that never
// wrote a final line (killed) or a cut line makes the counts a lower bound.
#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "cluster/process.h"
#include "systems/maelstrom/maelstrom_conn.h"
#include "systems/maelstrom/router_counts.h"

using namespace fl;

namespace {

std::string line(const std::string& incarnation, bool final, int c2n, int n2c, int sent, int received) {
  Json c = {{"client-to-node", {{"msgs", c2n}, {"bytes", c2n * 100}}},
            {"node-to-client", {{"msgs", n2c}, {"bytes", n2c * 50}}},
            {"node-to-node-sent", {{"msgs", sent}, {"bytes", sent * 10}}},
            {"node-to-node-received", {{"msgs", received}, {"bytes", received * 10}}}};
  return Json{{"node", "n1"}, {"incarnation", incarnation}, {"final", final}, {"counters", c}}.dump() + "\n";
}

}  // namespace

TEST_CASE("router counts: the last line of a router that stopped cleanly is complete", "[maelstrom][no-cluster]") {
  Json c = router_counts(line("1-0", false, 1, 1, 2, 2) + line("1-0", false, 5, 5, 9, 8) + line("1-0", true, 6, 6, 10, 9));
  CHECK(c["complete"] == true);
  CHECK_FALSE(c.contains("reason"));
  CHECK(c["incarnations"] == 1);
  CHECK(c["client-to-node"]["msgs"] == 6);
  CHECK(c["client-to-node"]["bytes"] == 600);
  CHECK(c["node-to-node-sent"]["msgs"] == 10);
  CHECK(c["node-to-node-received"]["msgs"] == 9);
}

TEST_CASE("router counts: a killed router's last count is added to its restart's, and marked incomplete",
          "[maelstrom][no-cluster]") {
  // The first incarnation was killed after its second line; the second stopped.
  Json c = router_counts(line("1-0", false, 1, 1, 2, 2) + line("1-0", false, 3, 3, 4, 4) +
                         line("7-9", false, 1, 0, 0, 0) + line("7-9", true, 2, 2, 5, 5));
  CHECK(c["incarnations"] == 2);
  CHECK(c["client-to-node"]["msgs"] == 5);
  CHECK(c["node-to-node-sent"]["msgs"] == 9);
  CHECK(c["complete"] == false);
  CHECK(c["reason"].get<std::string>().find("1 of its router's 2 runs never stopped cleanly") != std::string::npos);
}

TEST_CASE("router counts: no file, or a cut line, is not a complete count", "[maelstrom][no-cluster]") {
  Json none = router_counts("");
  CHECK(none["complete"] == false);
  CHECK(none["client-to-node"]["msgs"] == 0);
  CHECK(none["reason"].get<std::string>().find("no counts") != std::string::npos);
  Json cut = router_counts(line("1-0", true, 1, 1, 1, 1) + "{\"node\":\"n1\",\"incar");
  CHECK(cut["complete"] == false);
  CHECK(cut["client-to-node"]["msgs"] == 1);
  CHECK(cut["reason"].get<std::string>().find("unreadable") != std::string::npos);
}

// fl-mrouter itself on the loopback address, with Maelstrom's echo node: a
// router stopped with SIGTERM writes a final count; a restarted one appends
// its own; one killed with SIGKILL keeps what it wrote a second before.
TEST_CASE("fl-mrouter's counts file: a stop is final, a restart adds, a kill says the counts are incomplete",
          "[maelstrom][no-cluster]") {
  const std::string dir = "/tmp/fl-router-counts-test-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  struct Cleanup {
    std::string dir;
    ~Cleanup() { std::filesystem::remove_all(dir); }
  } cleanup{dir};
  const int port = 20000 + ::getpid() % 20000;
  const std::string addr = "127.0.0.1:" + std::to_string(port);
  const std::string counts = dir + "/counters.jsonl";
  auto start = [&] {
    return spawn_daemon({FL_MROUTER_BINARY, "--node", "n1", "--listen", addr, "--peers", "n1=" + addr, "--counters",
                         counts, "--", std::string(FL_SOURCE_DIR) + "/examples/maelstrom/echo.py"},
                        dir + "/n1.log");
  };
  auto echo = [&](const std::string& client) {
    MaelstromConn conn(client, "n1", "127.0.0.1", port);
    for (int attempt = 0; attempt < 50; ++attempt) {  // until the node answered init
      std::optional<Json> b = conn.call({{"type", "echo"}, {"echo", "hi"}}, 0.2);
      if (b && b->value("type", "") == "echo_ok") return true;
    }
    return false;
  };
  auto read_counts = [&] {
    std::ifstream in(counts);
    return router_counts(std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()));
  };

  int pid = start();
  REQUIRE(echo("c1"));
  stop_process(pid, std::chrono::seconds(3));
  Json first = read_counts();
  CHECK(first["complete"] == true);
  CHECK(first["incarnations"] == 1);
  CHECK(first["client-to-node"]["msgs"].get<int>() >= 1);
  CHECK(first["node-to-client"]["msgs"].get<int>() >= 1);

  pid = start();
  REQUIRE(echo("c2"));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // past its once-a-second count
  signal_process(pid, SIGKILL);
  while (process_alive(pid)) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  Json both = read_counts();
  CHECK(both["incarnations"] == 2);
  CHECK(both["complete"] == false);
  CHECK(both["node-to-client"]["msgs"].get<int>() > first["node-to-client"]["msgs"].get<int>());
  CHECK(both["reason"].get<std::string>().find("never stopped cleanly") != std::string::npos);
}
