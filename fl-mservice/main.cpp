// fl-mservice — Maelstrom's services (seq-kv, lin-kv, lww-kv, lin-tso;
// services.h) as one program on the network, which the nodes' fl-mrouters
// reach over UDP:
//
//   fl-mservice --listen 10.213.77.1:7399 [--seq-lag-ms N] [--lww-replicas N]
//               [--lww-gossip-ms N] [--lww-skew-ms N] [--seed N] [--watch-pid PID]
//
// Each datagram is one Maelstrom message ({"src","dest","body"}; a second
// line, a forwarded client's address, is ignored); the answer, {"src": the
// service, "dest": the sender, "body"}, goes back to the address the datagram
// came from, as one datagram. A message for "fl-mservice" with body type
// "health" gets health_ok with the requests answered so far, by service.
// With --watch-pid it exits (0) once that process is gone, so a service
// whose starter was killed outright does not outlive it.
// It links none of faultline's layers.
// Exit codes: 0 after SIGTERM or SIGINT, 64 for a bad command line, 70 when
// it cannot listen.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "services.h"

using namespace mservice;

namespace {

volatile sig_atomic_t g_stop = 0;
void on_stop(int) { g_stop = 1; }

constexpr const char* kName = "fl-mservice";

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr,
               "fl-mservice: %s\nusage: fl-mservice --listen HOST:PORT [--seq-lag-ms N] [--lww-replicas N] "
               "[--lww-gossip-ms N] [--lww-skew-ms N] [--seed N] [--watch-pid PID]\n",
               why.c_str());
  std::exit(64);
}

std::int64_t number(const std::string& flag, const std::string& text, std::int64_t low, std::int64_t high) {
  if (text.empty() || text.size() > 12 || text.find_first_not_of("0123456789") != std::string::npos)
    usage(flag + " takes a number, not \"" + text + "\"");
  std::int64_t n = std::stoll(text);
  if (n < low || n > high) usage(flag + " must be between " + std::to_string(low) + " and " + std::to_string(high));
  return n;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int main(int argc, char** argv) {
  ServiceOptions o;
  std::string listen;
  pid_t watch = 0;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) usage(a + " needs a value");
    std::string v = argv[++i];
    if (a == "--listen") listen = v;
    else if (a == "--seq-lag-ms") o.seq_lag_ms = number(a, v, 0, 600000);
    else if (a == "--lww-replicas") o.lww_replicas = static_cast<int>(number(a, v, 1, 64));
    else if (a == "--lww-gossip-ms") o.lww_gossip_ms = number(a, v, 1, 600000);
    else if (a == "--lww-skew-ms") o.lww_skew_ms = number(a, v, 0, 600000);
    else if (a == "--watch-pid") watch = static_cast<pid_t>(number(a, v, 1, 4194304));
    else if (a == "--seed") o.seed = static_cast<std::uint64_t>(number(a, v, 0, 999999999999));
    else usage("unknown flag " + a);
  }
  std::size_t colon = listen.rfind(':');
  if (colon == std::string::npos) usage("--listen HOST:PORT is required");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(number("--listen", listen.substr(colon + 1), 1, 65535)));
  if (::inet_pton(AF_INET, listen.substr(0, colon).c_str(), &addr.sin_addr) != 1)
    usage("\"" + listen.substr(0, colon) + "\" is not an IPv4 address");

  int sock = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0 || ::bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::fprintf(stderr, "fl-mservice: cannot listen on %s: %s\n", listen.c_str(), std::strerror(errno));
    return 70;
  }
  int big = 4 << 20;
  ::setsockopt(sock, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  struct sigaction sa{};
  sa.sa_handler = on_stop;
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGINT, &sa, nullptr);
  std::fprintf(stderr, "fl-mservice: serving seq-kv, lin-kv, lww-kv and lin-tso on %s\n", listen.c_str());

  Services services(o);
  std::uint64_t dropped = 0;
  char buf[65536];
  while (!g_stop) {
    pollfd fd{sock, POLLIN, 0};
    int n = ::poll(&fd, 1, 50);
    services.tick(now_ms());
    if (watch > 0 && ::kill(watch, 0) != 0 && errno == ESRCH) {
      std::fprintf(stderr, "fl-mservice: process %d, which started it, is gone\n", static_cast<int>(watch));
      break;
    }
    if (n <= 0 || !(fd.revents & POLLIN)) continue;
    sockaddr_in from{};
    socklen_t len = sizeof from;
    ssize_t got = ::recvfrom(sock, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (got <= 0) continue;
    std::string datagram(buf, static_cast<std::size_t>(got));
    Json m = Json::parse(datagram.substr(0, datagram.find('\n')), nullptr, false);
    if (!m.is_object() || !m.contains("src") || !m["src"].is_string() || !m.contains("dest") ||
        !m["dest"].is_string() || !m.contains("body") || !m["body"].is_object()) {
      ++dropped;
      continue;
    }
    const std::string src = m["src"].get<std::string>(), dest = m["dest"].get<std::string>();
    const Json& body = m["body"];
    Json answer;
    if (dest == kName && body.value("type", "") == "health") {
      answer = {{"type", "health_ok"}, {"requests", services.requests()}, {"dropped", dropped}};
      if (body.contains("msg_id")) answer["in_reply_to"] = body["msg_id"];
    } else if (std::optional<Json> a = services.handle(src, dest, body, now_ms())) {
      answer = std::move(*a);
    } else {
      ++dropped;
      continue;
    }
    std::string line = Json{{"src", dest}, {"dest", src}, {"body", answer}}.dump();
    ::sendto(sock, line.data(), line.size(), 0, reinterpret_cast<sockaddr*>(&from), sizeof from);
  }
  std::fprintf(stderr, "fl-mservice: answered %s; dropped %llu datagrams that asked no service\n",
               Json(services.requests()).dump().c_str(), static_cast<unsigned long long>(dropped));
  return 0;
}
