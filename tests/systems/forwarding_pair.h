// Two fl-mrouters on 127.0.0.1, n1 and n2, each running
// tests/data/maelstrom/forward_to_n1.py (n2 forwards every request to n1 in
// its client's name), with each router's FILE_FLAG file (--counters,
// --messages) at <dir>/<node>.jsonl. echo_via_n2 sends one echo to n2 until
// both nodes are up, then stops both routers, so the files are final.
// The folder goes when the pair does; for [no-cluster] tests.
#pragma once

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "cluster/process.h"
#include "systems/maelstrom/maelstrom_conn.h"

namespace fl::test {

struct ForwardingPair {
  std::string dir;
  int port;  // n1's; n2 listens on port + 1
  int n1 = 0, n2 = 0;

  ForwardingPair(const std::string& name, int port_, const std::string& file_flag)
      : dir("/tmp/" + name + "-" + std::to_string(::getpid())), port(port_) {
    std::filesystem::create_directories(dir);
    const std::string a1 = "127.0.0.1:" + std::to_string(port), a2 = "127.0.0.1:" + std::to_string(port + 1);
    const std::string peers = "n1=" + a1 + ",n2=" + a2;
    const std::string node = std::string(FL_TEST_DATA) + "/maelstrom/forward_to_n1.py";
    auto start = [&](const std::string& n, const std::string& addr) {
      return spawn_daemon({FL_MROUTER_BINARY, "--node", n, "--listen", addr, "--peers", peers, file_flag,
                           file(n), "--", node},
                          dir + "/" + n + ".log");
    };
    n1 = start("n1", a1);
    n2 = start("n2", a2);
  }
  ~ForwardingPair() {
    stop();
    std::filesystem::remove_all(dir);
  }
  std::string file(const std::string& node) const { return dir + "/" + node + ".jsonl"; }
  void stop() {
    if (n2 > 0) stop_process(n2, std::chrono::seconds(3));
    if (n1 > 0) stop_process(n1, std::chrono::seconds(3));
    n1 = n2 = 0;
  }
  std::optional<Json> echo_via_n2() {
    MaelstromConn conn("c1", "n2", "127.0.0.1", port + 1);
    std::optional<Json> answer;
    for (int attempt = 0; attempt < 50 && !answer; ++attempt)  // until both nodes answered init
      answer = conn.call({{"type", "echo"}, {"echo", "via n2"}}, 0.2);
    stop();
    return answer;
  }
};

}  // namespace fl::test
