#include "systems/maelstrom/maelstrom_conn.h"

#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include <fmt/format.h>

#include "cluster/host.h"

namespace fl {

MaelstromConn::MaelstromConn(std::string client_id, std::string node_id, const std::string& host, int port)
    : client_(std::move(client_id)), node_(std::move(node_id)) {
  to_.sin_family = AF_INET;
  to_.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::inet_pton(AF_INET, host.c_str(), &to_.sin_addr) != 1)
    throw ClusterError(fmt::format("the Maelstrom client needs an IPv4 address for {}, not \"{}\"", node_, host));
  fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw ClusterError(fmt::format("cannot open a UDP socket: {}", std::strerror(errno)));
}

MaelstromConn::~MaelstromConn() {
  if (fd_ >= 0) ::close(fd_);
}

std::optional<Json> MaelstromConn::call(Json body, double timeout_s) {
  using Clock = std::chrono::steady_clock;
  const std::int64_t id = next_msg_id_++;
  body["msg_id"] = id;
  std::string msg = Json{{"src", client_}, {"dest", node_}, {"body", std::move(body)}}.dump();
  auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout_s));
  // A send that fails (no route yet) is like a lost datagram: wait it out.
  ::sendto(fd_, msg.data(), msg.size(), 0, reinterpret_cast<const sockaddr*>(&to_), sizeof to_);
  static thread_local char buf[65536];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return std::nullopt;
    pollfd p{fd_, POLLIN, 0};
    int n = ::poll(&p, 1, static_cast<int>(left));
    if (n < 0 && errno != EINTR) return std::nullopt;
    if (n <= 0) continue;
    ssize_t got = ::recv(fd_, buf, sizeof buf, 0);
    if (got <= 0) continue;
    Json m = Json::parse(buf, buf + got, nullptr, false);
    if (!m.is_object() || !m.contains("body") || !m["body"].is_object()) continue;
    const Json& b = m["body"];
    if (b.contains("in_reply_to") && b["in_reply_to"] == id) return b;
  }
}

}  // namespace fl
