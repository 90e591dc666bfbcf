// fl-mrouter's message records (--messages, fl-mrouter/message_log.h): a
// request n2 forwards to n1 in its client's name leaves its arrival at n2, the
// send n2→n1 at both ends with the same send time, and n1's reply to the
// client; the node sees the same lines as without records; a limit ends the
// records with a line saying when.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cluster/process.h"
#include "forwarding_pair.h"

using namespace fl;

namespace {

std::vector<Json> record_lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<Json> out;
  for (std::string line; std::getline(in, line);) out.push_back(Json::parse(line));
  return out;
}

struct RecordsDir {
  std::string path;
  explicit RecordsDir(const std::string& name) : path("/tmp/" + name + "-" + std::to_string(::getpid())) {
    std::filesystem::create_directories(path);
  }
  ~RecordsDir() { std::filesystem::remove_all(path); }
};

}  // namespace

TEST_CASE("fl-mrouter --messages records both ends of a node's message and the one end of a client's",
          "[maelstrom][no-cluster]") {
  test::ForwardingPair pair("fl-router-messages-test", 41000 + ::getpid() % 9000 * 2 + 1, "--messages");
  std::optional<Json> answer = pair.echo_via_n2();
  REQUIRE(answer);
  CHECK(answer->value("echo", "") == "via n2");  // the node saw the message as it was written

  // The last request is the one answered; earlier ones may have waited for init.
  const std::vector<Json> r1 = record_lines(pair.file("n1")), r2 = record_lines(pair.file("n2"));
  REQUIRE(!r1.empty());
  REQUIRE(!r2.empty());
  const Json id = (*answer)["in_reply_to"];
  const Json* arrival = nullptr;
  const Json* forward = nullptr;
  const Json* receipt = nullptr;
  const Json* reply = nullptr;
  for (const Json& r : r2) {
    CHECK(r["node"] == "n2");
    if (r["msg_id"] != id) continue;
    if (r["end"] == "recv") arrival = &r;
    if (r["end"] == "send") forward = &r;
  }
  for (const Json& r : r1) {
    if (r["end"] == "recv" && r["msg_id"] == id) receipt = &r;
    if (r["end"] == "send" && r["in_reply_to"] == id) reply = &r;
  }
  REQUIRE(arrival);
  CHECK((*arrival)["from"] == "c1");
  CHECK((*arrival)["type"] == "echo");
  CHECK((*arrival)["recv"].is_number_integer());
  CHECK_FALSE(arrival->contains("sent"));  // the client's send is not the router's to know
  REQUIRE(forward);
  CHECK((*forward)["from"] == "n2");
  CHECK((*forward)["to"] == "n1");
  CHECK((*forward)["src"] == "c1");  // written in the client's name
  CHECK_FALSE(forward->contains("recv"));
  REQUIRE(receipt);
  CHECK((*receipt)["from"] == "n2");  // the router that sent it, not the "src" it names
  CHECK((*receipt)["to"] == "n1");
  CHECK((*receipt)["sent"] == (*forward)["sent"]);
  CHECK((*receipt)["recv"].get<std::int64_t>() >= (*receipt)["sent"].get<std::int64_t>());
  REQUIRE(reply);
  CHECK((*reply)["to"] == "c1");
  CHECK((*reply)["type"] == "echo_ok");
  CHECK_FALSE(reply->contains("recv"));
}

TEST_CASE("fl-mrouter --messages-limit stops recording with a line saying when", "[maelstrom][no-cluster]") {
  RecordsDir dir("fl-router-messages-limit-test");
  const int port = 41000 + ::getpid() % 9000 * 2 + 1;
  const std::string addr = "127.0.0.1:" + std::to_string(port);
  int n1 = spawn_daemon({FL_MROUTER_BINARY, "--node", "n1", "--listen", addr, "--peers", "n1=" + addr, "--messages",
                         dir.path + "/n1.jsonl", "--messages-limit", "3", "--",
                         std::string(FL_TEST_DATA) + "/maelstrom/forward_to_n1.py"},
                        dir.path + "/n1.log");
  MaelstromConn conn("c1", "n1", "127.0.0.1", port);
  int answered = 0;
  for (int attempt = 0; attempt < 50 && answered < 4; ++attempt) answered += conn.call({{"type", "echo"}, {"echo", "x"}}, 0.2).has_value();
  stop_process(n1, std::chrono::seconds(3));
  CHECK(answered == 4);  // recording or not, every message is carried
  const std::vector<Json> r = record_lines(dir.path + "/n1.jsonl");
  REQUIRE(r.size() == 4);
  const Json& last = r[2];
  const std::int64_t last_time = (last["end"] == "send" ? last["sent"] : last["recv"]).get<std::int64_t>();
  CHECK(r[3]["node"] == "n1");
  CHECK(r[3]["limit"] == 3);
  CHECK(r[3]["at"].get<std::int64_t>() >= last_time);
}
