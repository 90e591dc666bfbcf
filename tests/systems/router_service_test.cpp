// fl-mservice on the network, and fl-mrouter carrying a node's requests to
// it: a node's seq-kv requests go to the service and its answers back to
// the node, counted apart from the node's other traffic.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "cluster/process.h"
#include "systems/maelstrom/maelstrom_conn.h"
#include "systems/maelstrom/router_counts.h"

using namespace fl;

namespace {

struct ServiceTestDir {
  std::string path = "/tmp/fl-router-service-test-" + std::to_string(::getpid());
  ServiceTestDir() { std::filesystem::create_directories(path); }
  ~ServiceTestDir() { std::filesystem::remove_all(path); }
};

// The service's answer to `body` sent to `service`, retried until it is up.
std::optional<Json> ask_service(const std::string& service, int port, const Json& body) {
  MaelstromConn conn("c1", service, "127.0.0.1", port);
  std::optional<Json> answer;
  for (int attempt = 0; attempt < 50 && !answer; ++attempt) answer = conn.call(body, 0.2);
  return answer;
}

}  // namespace

TEST_CASE("fl-mservice answers Maelstrom's kv and tso requests over UDP", "[maelstrom][no-cluster]") {
  ServiceTestDir dir;
  const int port = 30000 + ::getpid() % 10000;
  int pid = spawn_daemon({FL_MSERVICE_BINARY, "--listen", "127.0.0.1:" + std::to_string(port), "--watch-pid",
                          std::to_string(::getpid())},
                         dir.path + "/mservice.log");
  std::optional<Json> w = ask_service("lin-kv", port, {{"type", "write"}, {"key", "x"}, {"value", 7}});
  std::optional<Json> r = ask_service("lin-kv", port, {{"type", "read"}, {"key", "x"}});
  std::optional<Json> missing = ask_service("seq-kv", port, {{"type", "read"}, {"key", "x"}});
  std::optional<Json> t1 = ask_service("lin-tso", port, {{"type", "ts"}});
  std::optional<Json> t2 = ask_service("lin-tso", port, {{"type", "ts"}});
  std::optional<Json> health = ask_service("fl-mservice", port, {{"type", "health"}});
  stop_process(pid, std::chrono::seconds(3));
  REQUIRE(w);
  CHECK(w->value("type", "") == "write_ok");
  REQUIRE(r);
  CHECK((*r)["value"] == 7);
  REQUIRE(missing);  // seq-kv is a store of its own
  CHECK(missing->value("code", 0) == 20);
  REQUIRE(t1);
  REQUIRE(t2);
  CHECK((*t2)["ts"].get<long>() > (*t1)["ts"].get<long>());
  REQUIRE(health);
  CHECK(health->value("type", "") == "health_ok");
  CHECK(health->at("requests").value("lin-kv", 0) == 2);
}

TEST_CASE("fl-mrouter carries a node's seq-kv requests to fl-mservice and the answers back", "[maelstrom][no-cluster]") {
  ServiceTestDir dir;
  const int port = 30000 + ::getpid() % 10000;
  const std::string service = "127.0.0.1:" + std::to_string(port + 1), a1 = "127.0.0.1:" + std::to_string(port);
  int svc = spawn_daemon({FL_MSERVICE_BINARY, "--listen", service, "--watch-pid", std::to_string(::getpid())},
                         dir.path + "/mservice.log");
  int n1 = spawn_daemon({FL_MROUTER_BINARY, "--node", "n1", "--listen", a1, "--peers", "n1=" + a1, "--service",
                         service, "--counters", dir.path + "/n1.jsonl", "--",
                         std::string(FL_SOURCE_DIR) + "/examples/maelstrom/g_counter_seqkv.py"},
                        dir.path + "/n1.log");
  MaelstromConn conn("c1", "n1", "127.0.0.1", port);
  std::optional<Json> added, read;
  for (int attempt = 0; attempt < 50 && !added; ++attempt) added = conn.call({{"type", "add"}, {"delta", 5}}, 0.3);
  for (int attempt = 0; attempt < 10 && !read; ++attempt) read = conn.call({{"type", "read"}}, 0.5);
  stop_process(n1, std::chrono::seconds(3));
  stop_process(svc, std::chrono::seconds(3));
  REQUIRE(added);
  CHECK(added->value("type", "") == "add_ok");
  REQUIRE(read);
  CHECK((*read)["value"] == 5);
  std::ifstream in(dir.path + "/n1.jsonl");
  Json c = router_counts(std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()));
  CHECK(c["node-to-service"]["msgs"].get<int>() >= 4);  // add: read + cas; read: write + read
  CHECK(c["service-to-node"]["msgs"].get<int>() >= 4);
  CHECK(c["node-to-node-sent"]["msgs"] == 0);
  CHECK(c["client-to-node"]["msgs"].get<int>() >= 2);
}
