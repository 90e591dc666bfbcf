// fl-mrouter measured on 127.0.0.1: the latency one router adds to a
// client's request and answer over a direct UDP exchange, and how many
// messages a second one router carries. The node behind the router is this
// program itself (--echo-node: reads lines on stdin, answers each echo on
// stdout); the direct server does the same JSON work over UDP, in a thread.
// No namespaces, no root needed. Prints figures; no assertion.
//
//   bench_mrouter [--round-trips N] [--seconds S] [--window W] [--messages]
//
// --messages: the router records every message it carries (fl-mrouter
// --messages, with no limit), to show what recording costs.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "cluster/process.h"

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

// The node: Maelstrom's echo, as plainly as it can be written.
int echo_node() {
  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) {
    Json m = Json::parse(line, nullptr, false);
    if (!m.is_object()) continue;
    const Json& b = m["body"];
    std::string type = b.value("type", "");
    Json reply;
    if (type == "init") reply = {{"type", "init_ok"}};
    else if (type == "echo") reply = {{"type", "echo_ok"}, {"echo", b["echo"]}};
    else continue;
    reply["in_reply_to"] = b["msg_id"];
    std::cout << Json{{"src", m["dest"]}, {"dest", m["src"]}, {"body", reply}}.dump() << '\n' << std::flush;
  }
  return 0;
}

sockaddr_in loopback(int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

int udp_socket(int port) {
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  int big = 4 << 20;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  if (port > 0) {
    sockaddr_in a = loopback(port);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      std::fprintf(stderr, "bench_mrouter: cannot bind 127.0.0.1:%d: %s\n", port, std::strerror(errno));
      std::exit(70);
    }
  }
  return fd;
}

// The direct server: the echo node's work, answered over UDP.
void direct_server(int fd, const std::atomic<bool>& stop) {
  char buf[65536];
  while (!stop) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    sockaddr_in from{};
    socklen_t len = sizeof from;
    ssize_t got = ::recvfrom(fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (got <= 0) continue;
    Json m = Json::parse(buf, buf + got, nullptr, false);
    if (!m.is_object()) continue;
    const Json& b = m["body"];
    Json reply = {{"type", "echo_ok"}, {"echo", b["echo"]}, {"in_reply_to", b["msg_id"]}};
    std::string out = Json{{"src", m["dest"]}, {"dest", m["src"]}, {"body", reply}}.dump();
    ::sendto(fd, out.data(), out.size(), 0, reinterpret_cast<sockaddr*>(&from), len);
  }
}

std::string request(std::int64_t id) {
  return Json{{"src", "c1"}, {"dest", "n1"}, {"body", {{"type", "echo"}, {"echo", "bench"}, {"msg_id", id}}}}.dump();
}

// Waits up to ms for one datagram; true if one came.
bool receive(int fd, int ms) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, ms) <= 0) return false;
  char buf[65536];
  return ::recv(fd, buf, sizeof buf, 0) > 0;
}

struct Latency {
  double p50 = 0, p99 = 0, mean = 0;
  int lost = 0;
};

// One request at a time, each waiting for its answer.
Latency ping_pong(int fd, const sockaddr_in& to, int n) {
  std::vector<double> us;
  Latency l;
  for (int i = 0; i < n; ++i) {
    std::string msg = request(i + 1000);
    auto t0 = Clock::now();
    ::sendto(fd, msg.data(), msg.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
    if (!receive(fd, 200)) {
      ++l.lost;
      continue;
    }
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  if (us.empty()) return l;
  std::sort(us.begin(), us.end());
  l.p50 = us[us.size() / 2];
  l.p99 = us[std::min(us.size() - 1, us.size() * 99 / 100)];
  for (double u : us) l.mean += u / static_cast<double>(us.size());
  return l;
}

// `window` requests outstanding for `seconds`: answers per second. A window
// that stalls 200 ms counts its requests lost and starts again.
double pipelined(int fd, const sockaddr_in& to, int window, double seconds, int* lost) {
  auto end = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::int64_t id = 1000000, answers = 0;
  int outstanding = 0;
  *lost = 0;
  auto t0 = Clock::now();
  while (Clock::now() < end) {
    while (outstanding < window) {
      std::string msg = request(id++);
      ::sendto(fd, msg.data(), msg.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
      ++outstanding;
    }
    if (receive(fd, 200)) {
      ++answers;
      --outstanding;
    } else {
      *lost += outstanding;
      outstanding = 0;
    }
  }
  double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  while (outstanding > 0 && receive(fd, 200)) --outstanding;  // drain before the next measurement
  return static_cast<double>(answers) / elapsed;
}

std::string self_exe() {
  char path[4096];
  ssize_t n = ::readlink("/proc/self/exe", path, sizeof path - 1);
  return n > 0 ? std::string(path, static_cast<std::size_t>(n)) : "";
}

}  // namespace

int main(int argc, char** argv) {
  int round_trips = 20000, window = 32;
  double seconds = 3;
  bool messages = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--echo-node") return echo_node();
    if (a == "--messages") {
      messages = true;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "usage: bench_mrouter [--round-trips N] [--seconds S] [--window W] [--messages]\n");
      return 64;
    }
    if (a == "--round-trips") round_trips = std::stoi(argv[++i]);
    else if (a == "--seconds") seconds = std::stod(argv[++i]);
    else if (a == "--window") window = std::stoi(argv[++i]);
    else {
      std::fprintf(stderr, "bench_mrouter: unknown flag %s\n", a.c_str());
      return 64;
    }
  }
  const int port = 30000 + ::getpid() % 10000 * 2;
  const std::string addr = "127.0.0.1:" + std::to_string(port + 1);
  const std::string log = "/tmp/bench_mrouter-" + std::to_string(::getpid()) + ".log";
  const std::string records = "/tmp/bench_mrouter-" + std::to_string(::getpid()) + ".messages.jsonl";
  std::vector<std::string> argv_router = {FL_MROUTER_BINARY, "--node", "n1", "--listen", addr, "--peers", "n1=" + addr};
  if (messages) argv_router.insert(argv_router.end(), {"--messages", records, "--messages-limit", "999999999"});
  argv_router.insert(argv_router.end(), {"--", self_exe(), "--echo-node"});
  int router = fl::spawn_daemon(argv_router, log);

  std::atomic<bool> stop{false};
  int server_fd = udp_socket(port);
  std::thread server(direct_server, server_fd, std::cref(stop));
  int client = udp_socket(0);
  const sockaddr_in direct = loopback(port), routed = loopback(port + 1);
  for (int i = 0; i < 100; ++i) {  // until the node answered init
    std::string msg = request(1);
    ::sendto(client, msg.data(), msg.size(), 0, reinterpret_cast<const sockaddr*>(&routed), sizeof routed);
    if (receive(client, 100)) break;
  }
  while (receive(client, 50)) {}

  std::printf("fl-mrouter on 127.0.0.1, an echo node behind it, against a direct UDP echo server%s\n",
              messages ? "; the router records every message" : "");
  std::printf("latency, one request at a time (%d round trips each, after 1000 to warm up):\n", round_trips);
  ping_pong(client, direct, 1000);
  ping_pong(client, routed, 1000);
  Latency d = ping_pong(client, direct, round_trips);
  Latency r = ping_pong(client, routed, round_trips);
  std::printf("  direct:  p50 %.1f us  p99 %.1f us  mean %.1f us  (lost %d)\n", d.p50, d.p99, d.mean, d.lost);
  std::printf("  router:  p50 %.1f us  p99 %.1f us  mean %.1f us  (lost %d)\n", r.p50, r.p99, r.mean, r.lost);
  std::printf("  added by the router: p50 %.1f us, mean %.1f us\n", r.p50 - d.p50, r.mean - d.mean);

  std::printf("throughput, %d requests outstanding, %.0f s each:\n", window, seconds);
  int dl = 0, rl = 0;
  double dops = pipelined(client, direct, window, seconds, &dl);
  double rops = pipelined(client, routed, window, seconds, &rl);
  std::printf("  direct:  %.0f round trips/s (lost %d)\n", dops, dl);
  std::printf("  router:  %.0f round trips/s = %.0f messages/s carried, client to node and back (lost %d)\n", rops,
              2 * rops, rl);

  stop = true;
  server.join();
  ::close(server_fd);
  ::close(client);
  fl::stop_process(router, std::chrono::seconds(3));
  ::unlink(log.c_str());
  ::unlink(records.c_str());
  return 0;
}
