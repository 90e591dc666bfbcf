// For fl-shaper's real tests: two network namespaces of their own (fl-sh1,
// fl-sh2, joined by a veth pair on 10.213.95.0/24), created fresh and removed
// at the end even when a test fails; fl-shaper started in fl-sh1 serving the
// queue its egress rule feeds; UDP datagrams from fl-sh1 to fl-sh2 stamped
// with their send time, so each one's one-way delay is measured. Root only.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../cluster/netns_probe.h"
#include "cluster/process.h"

extern char** environ;

namespace fl::test {

constexpr const char* kShaperSender = "10.213.95.1";
constexpr const char* kShaperReceiver = "10.213.95.2";
constexpr int kShaperQueue = 3;

inline std::int64_t mono_us() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

struct ShaperNamespaces {
  std::vector<pid_t> shapers;

  ShaperNamespaces() {
    remove();
    for (const Argv& a : std::vector<Argv>{
             {"ip", "netns", "add", "fl-sh1"},
             {"ip", "netns", "add", "fl-sh2"},
             {"ip", "link", "add", "fl-sh-a", "netns", "fl-sh1", "type", "veth", "peer", "name", "fl-sh-b", "netns", "fl-sh2"},
             {"ip", "-n", "fl-sh1", "addr", "add", "10.213.95.1/24", "dev", "fl-sh-a"},
             {"ip", "-n", "fl-sh2", "addr", "add", "10.213.95.2/24", "dev", "fl-sh-b"},
             {"ip", "-n", "fl-sh1", "link", "set", "fl-sh-a", "up"},
             {"ip", "-n", "fl-sh2", "link", "set", "fl-sh-b", "up"},
             {"ip", "-n", "fl-sh1", "link", "set", "lo", "up"},
             {"ip", "-n", "fl-sh2", "link", "set", "lo", "up"},
             {"ip", "netns", "exec", "fl-sh1", "iptables", "-w", "-A", "OUTPUT", "-o", "fl-sh-a", "-m", "mark", "!",
              "--mark", "0x464c", "-j", "NFQUEUE", "--queue-num", std::to_string(kShaperQueue), "--queue-bypass"},
         }) {
      RunResult r = run_process(a, {std::chrono::seconds(20), {}, {}});
      if (!r.ok()) {
        remove();
        FAIL("cannot set up the shaper's namespaces: " << r.err);
      }
    }
  }
  ~ShaperNamespaces() {
    for (pid_t p : shapers) stop(p);
    remove();
  }
  static void remove() {
    run_process({"ip", "netns", "del", "fl-sh1"}, {std::chrono::seconds(20), {}, {}});
    run_process({"ip", "netns", "del", "fl-sh2"}, {std::chrono::seconds(20), {}, {}});
  }

  // Starts fl-shaper in fl-sh1 on the test queue with `args`; waits until its
  // stats file says the queue is bound.
  pid_t start(const std::vector<std::string>& args, const std::string& stats) {
    unlink(stats.c_str());
    std::vector<std::string> full = {"ip", "netns", "exec", "fl-sh1", FL_SHAPER_BINARY, "--queue",
                                     std::to_string(kShaperQueue), "--stats", stats};
    full.insert(full.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& s : full) argv.push_back(s.data());
    argv.push_back(nullptr);
    pid_t pid = -1;
    REQUIRE(posix_spawnp(&pid, "ip", nullptr, nullptr, argv.data(), environ) == 0);
    shapers.push_back(pid);
    for (int i = 0; i < 100 && access(stats.c_str(), F_OK) != 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    REQUIRE(access(stats.c_str(), F_OK) == 0);
    return pid;
  }

  // SIGTERM, then the exit status (or -1 after 10 s, and a SIGKILL).
  int stop(pid_t pid) {
    auto it = std::find(shapers.begin(), shapers.end(), pid);
    if (it == shapers.end()) return -1;
    shapers.erase(it);
    kill(pid, SIGTERM);
    for (int i = 0; i < 200; ++i) {
      int status = 0;
      if (waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    return -1;
  }
};

struct Arrival {
  std::uint32_t seq;
  double delay_ms;  // one-way: receive time − send time
};

// Sends `count` datagrams from namespace `from` to `addr`:`port` in
// namespace `to`, one every `interval_us`, and returns every arrival in
// arrival order, waiting `linger_ms` after the last send for late ones.
inline std::vector<Arrival> udp_arrivals(const std::string& from, const std::string& to_ns, const std::string& addr,
                                         int port, int count, int interval_us, int linger_ms) {
  int tx = netns_socket(from, SOCK_DGRAM), rx = netns_socket(to_ns, SOCK_DGRAM);
  REQUIRE(tx >= 0);
  REQUIRE(rx >= 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<std::uint16_t>(port));
  inet_pton(AF_INET, addr.c_str(), &to.sin_addr);
  sockaddr_in any = to;
  any.sin_addr.s_addr = htonl(INADDR_ANY);
  REQUIRE(bind(rx, reinterpret_cast<sockaddr*>(&any), sizeof any) == 0);
  timeval tv{0, 20000};
  setsockopt(rx, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::vector<Arrival> got;
  std::int64_t end = 0;
  std::thread receiver([&] {
    for (;;) {
      unsigned char buf[64];
      ssize_t n = recv(rx, buf, sizeof buf, 0);
      std::int64_t now = mono_us();
      if (n == 12) {
        std::uint32_t seq;
        std::int64_t sent;
        std::memcpy(&seq, buf, 4);
        std::memcpy(&sent, buf + 4, 8);
        got.push_back({seq, (now - sent) / 1000.0});
      }
      std::int64_t e = __atomic_load_n(&end, __ATOMIC_ACQUIRE);
      if (e != 0 && now > e) break;
    }
  });
  std::int64_t start = mono_us();
  for (int i = 0; i < count; ++i) {
    while (mono_us() < start + static_cast<std::int64_t>(i) * interval_us) std::this_thread::sleep_for(std::chrono::microseconds(200));
    unsigned char buf[12];
    std::uint32_t seq = static_cast<std::uint32_t>(i);
    std::int64_t now = mono_us();
    std::memcpy(buf, &seq, 4);
    std::memcpy(buf + 4, &now, 8);
    sendto(tx, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  }
  __atomic_store_n(&end, mono_us() + static_cast<std::int64_t>(linger_ms) * 1000, __ATOMIC_RELEASE);
  receiver.join();
  close(tx);
  close(rx);
  return got;
}

// The same between the shaper tests' own namespaces, fl-sh1 to fl-sh2.
inline std::vector<Arrival> udp_arrivals(int port, int count, int interval_us, int linger_ms) {
  return udp_arrivals("fl-sh1", "fl-sh2", kShaperReceiver, port, count, interval_us, linger_ms);
}

inline std::string read_text(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

}  // namespace fl::test
