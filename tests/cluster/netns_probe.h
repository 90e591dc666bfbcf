// Test probes that talk from inside faultline's namespaces without any
// external tool (no ping, nc or python on CI): a socket is created by a
// short-lived thread that has setns()'d into the namespace — the socket stays
// in that namespace, and setns affects only the calling thread. Only
// addresses of fl- namespaces are ever connected to.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>

namespace fl::test {

// A socket in network namespace `ns` ("" = the root namespace), or -1.
inline int netns_socket(const std::string& ns, int type) {
  int fd = -1;
  std::thread t([&] {
    if (!ns.empty()) {
      int nsfd = open(("/run/netns/" + ns).c_str(), O_RDONLY | O_CLOEXEC);
      if (nsfd < 0) return;
      int r = setns(nsfd, CLONE_NEWNET);
      close(nsfd);
      if (r != 0) return;
    }
    fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
  });
  t.join();
  return fd;
}

inline sockaddr_in ipv4(const std::string& addr, int port) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, addr.c_str(), &sa.sin_addr);
  return sa;
}

// True if a TCP connection from namespace `from` to addr:port is established
// within timeout_ms.
inline bool tcp_connects(const std::string& from, const std::string& addr, int port, int timeout_ms = 300) {
  int fd = netns_socket(from, SOCK_STREAM);
  if (fd < 0) return false;
  fcntl(fd, F_SETFL, O_NONBLOCK);
  sockaddr_in sa = ipv4(addr, port);
  int r = connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  bool ok = r == 0;
  if (!ok && errno == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    if (poll(&p, 1, timeout_ms) == 1) {
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      ok = err == 0;
    }
  }
  close(fd);
  return ok;
}

// Connects and waits for the first byte the server sends: a server that is
// alive but frozen (SIGSTOP) accepts in the kernel yet never answers.
inline bool tcp_answers(const std::string& from, const std::string& addr, int port, int timeout_ms = 500) {
  int fd = netns_socket(from, SOCK_STREAM);
  if (fd < 0) return false;
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in sa = ipv4(addr, port);
  bool ok = false;
  if (connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0) {
    char c;
    ok = recv(fd, &c, 1, 0) == 1;
  }
  close(fd);
  return ok;
}

// A TCP server in a namespace that greets every connection with "ok\n".
class TcpGreeter {
 public:
  TcpGreeter(const std::string& ns, int port) {
    fd_ = netns_socket(ns, SOCK_STREAM);
    if (fd_ < 0) throw std::runtime_error("cannot open a socket in " + ns);
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in sa = ipv4("0.0.0.0", port);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 || listen(fd_, 64) != 0)
      throw std::runtime_error("cannot listen in " + ns + ": " + std::strerror(errno));
    thread_ = std::thread([this] {
      while (!stop_) {
        pollfd p{fd_, POLLIN, 0};
        if (poll(&p, 1, 50) != 1) continue;
        int c = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (c < 0) continue;
        ssize_t ignored = send(c, "ok\n", 3, MSG_NOSIGNAL);
        (void)ignored;
        close(c);
      }
    });
  }
  ~TcpGreeter() {
    stop_ = true;
    thread_.join();
    close(fd_);
  }

 private:
  int fd_ = -1;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Sends `count` UDP datagrams from namespace `from` to a receiver in `to`
// (listening on addr:port) and returns how many arrived.
inline int udp_delivered(const std::string& from, const std::string& to, const std::string& addr, int port,
                         int count) {
  int rx = netns_socket(to, SOCK_DGRAM);
  int tx = netns_socket(from, SOCK_DGRAM);
  sockaddr_in sa = ipv4("0.0.0.0", port);
  bind(rx, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  sockaddr_in dst = ipv4(addr, port);
  for (int i = 0; i < count; ++i) {
    sendto(tx, &i, sizeof i, 0, reinterpret_cast<sockaddr*>(&dst), sizeof dst);
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  int got = 0;
  pollfd p{rx, POLLIN, 0};
  while (poll(&p, 1, 300) == 1) {
    int v;
    if (recv(rx, &v, sizeof v, 0) > 0) ++got;
  }
  close(rx);
  close(tx);
  return got;
}

}  // namespace fl::test
