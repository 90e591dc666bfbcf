// fl-shaper measured: UDP datagrams from one network namespace to another
// (fl-shb1 → fl-shb2, 10.213.96.0/24, made here and removed at the end),
// without a shaper and with each fault, printing what was asked beside what
// was observed — the added delay's p50 / p99 / mean / deviation, the
// fractions sent at once, overtaken, duplicated and corrupted — and the
// shaper's cost: how many packets a second one shaper carries with every
// packet queued, and its CPU time per packet. Needs root. No assertion.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cluster/local_cluster.h"
#include "cluster/process.h"

using namespace fl;

namespace {

const char* kReceiver = "10.213.96.2";

std::int64_t mono_us() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

int socket_in(const std::string& ns, int type) {
  int fd = -1;
  std::thread t([&] {
    int nsfd = open(("/run/netns/" + ns).c_str(), O_RDONLY | O_CLOEXEC);
    if (nsfd < 0) return;
    if (setns(nsfd, CLONE_NEWNET) == 0) fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
    close(nsfd);
  });
  t.join();
  return fd;
}

bool sh(const Argv& a) { return run_process(a, {std::chrono::seconds(20), {}, {}}).ok(); }

void remove_namespaces() {
  sh({"ip", "netns", "del", "fl-shb1"});
  sh({"ip", "netns", "del", "fl-shb2"});
}

bool make_namespaces() {
  remove_namespaces();
  for (const Argv& a : std::vector<Argv>{
           {"ip", "netns", "add", "fl-shb1"},
           {"ip", "netns", "add", "fl-shb2"},
           {"ip", "link", "add", "fl-shb-a", "netns", "fl-shb1", "type", "veth", "peer", "name", "fl-shb-b", "netns", "fl-shb2"},
           {"ip", "-n", "fl-shb1", "addr", "add", "10.213.96.1/24", "dev", "fl-shb-a"},
           {"ip", "-n", "fl-shb2", "addr", "add", "10.213.96.2/24", "dev", "fl-shb-b"},
           {"ip", "-n", "fl-shb1", "link", "set", "fl-shb-a", "up"},
           {"ip", "-n", "fl-shb2", "link", "set", "fl-shb-b", "up"},
           {"ip", "netns", "exec", "fl-shb1", "iptables", "-w", "-A", "OUTPUT", "-o", "fl-shb-a", "-m", "mark", "!",
            "--mark", "0x464c", "-j", "NFQUEUE", "--queue-num", "5", "--queue-bypass"}})
    if (!sh(a)) return false;
  return true;
}

struct Shaper {
  int pid = -1;
  std::string stats = "/tmp/fl-shb-stats.json";
  explicit Shaper(const std::vector<std::string>& args) {
    unlink(stats.c_str());
    DaemonSpec d;
    Argv argv = {"ip", "netns", "exec", "fl-shb1", FL_SHAPER_BINARY, "--queue", "5", "--stats", stats};
    argv.insert(argv.end(), args.begin(), args.end());
    pid = spawn_daemon(argv, "/tmp/fl-shb-shaper.log", {}, "");
    for (int i = 0; i < 100 && access(stats.c_str(), F_OK) != 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  nlohmann::json stop() {
    stop_process(pid, std::chrono::seconds(5));
    std::ifstream f(stats);
    std::stringstream s;
    s << f.rdbuf();
    try {
      return nlohmann::json::parse(s.str());
    } catch (...) {
      return nullptr;
    }
  }
};

struct Arrival {
  std::uint32_t seq;
  double ms;
};

// `count` datagrams, one every `interval_us`, each stamped with its send time.
std::vector<Arrival> probe(int port, int count, int interval_us, int linger_ms) {
  int tx = socket_in("fl-shb1", SOCK_DGRAM), rx = socket_in("fl-shb2", SOCK_DGRAM);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<std::uint16_t>(port));
  inet_pton(AF_INET, kReceiver, &to.sin_addr);
  sockaddr_in any = to;
  any.sin_addr.s_addr = htonl(INADDR_ANY);
  bind(rx, reinterpret_cast<sockaddr*>(&any), sizeof any);
  timeval tv{0, 20000};
  setsockopt(rx, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::vector<Arrival> got;
  std::atomic<std::int64_t> end{0};
  std::thread receiver([&] {
    for (;;) {
      unsigned char b[64];
      ssize_t n = recv(rx, b, sizeof b, 0);
      std::int64_t now = mono_us();
      if (n == 12) {
        std::uint32_t seq;
        std::int64_t sent;
        std::memcpy(&seq, b, 4);
        std::memcpy(&sent, b + 4, 8);
        got.push_back({seq, (now - sent) / 1000.0});
      }
      if (end.load() != 0 && now > end.load()) break;
    }
  });
  std::int64_t start = mono_us();
  for (int i = 0; i < count; ++i) {
    while (mono_us() < start + static_cast<std::int64_t>(i) * interval_us) std::this_thread::sleep_for(std::chrono::microseconds(100));
    unsigned char b[12];
    std::uint32_t seq = static_cast<std::uint32_t>(i);
    std::int64_t now = mono_us();
    std::memcpy(b, &seq, 4);
    std::memcpy(b + 4, &now, 8);
    sendto(tx, b, sizeof b, 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  }
  end.store(mono_us() + static_cast<std::int64_t>(linger_ms) * 1000);
  receiver.join();
  close(tx);
  close(rx);
  return got;
}

double quantile(std::vector<double> v, double q) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(q * static_cast<double>(v.size() - 1))];
}

struct Observed {
  int sent = 0, received = 0, distinct = 0, early = 0, overtaken = 0;
  double p50 = 0, p99 = 0, mean = 0, sd = 0;
};

Observed observe(const std::vector<Arrival>& got, int sent, double base_ms, double early_below_ms) {
  Observed o;
  o.sent = sent;
  o.received = static_cast<int>(got.size());
  std::set<std::uint32_t> distinct;
  std::vector<double> added;
  std::uint32_t highest = 0;
  for (const auto& a : got) {
    distinct.insert(a.seq);
    added.push_back(a.ms - base_ms);
    if (a.ms - base_ms < early_below_ms) ++o.early;
    if (a.seq < highest) ++o.overtaken;
    highest = std::max(highest, a.seq);
  }
  o.distinct = static_cast<int>(distinct.size());
  o.p50 = quantile(added, 0.5);
  o.p99 = quantile(added, 0.99);
  for (double x : added) o.mean += x / static_cast<double>(added.size());
  for (double x : added) o.sd += (x - o.mean) * (x - o.mean) / static_cast<double>(added.size());
  o.sd = std::sqrt(o.sd);
  return o;
}

void print_shaper(const nlohmann::json& s) {
  if (!s.is_object()) {
    std::printf("    shaper: no stats\n");
    return;
  }
  std::printf("    shaper: late p50 %lld us, p99 %lld us, max %lld us; kernel drops %llu; realtime %s; behind %s\n",
              s.value("late_p50_us", 0LL), s.value("late_p99_us", 0LL), s.value("late_max_us", 0LL),
              s.value("kernel_dropped_queue_full", 0ULL) + s.value("kernel_dropped_socket_full", 0ULL),
              s.value("realtime", false) ? "yes" : "no", s.value("behind", false) ? "YES" : "no");
}

// Sends as fast as one thread can for `seconds`; returns datagrams received.
long blast(int port, double seconds, long* sent_out) {
  int tx = socket_in("fl-shb1", SOCK_DGRAM), rx = socket_in("fl-shb2", SOCK_DGRAM);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<std::uint16_t>(port));
  inet_pton(AF_INET, kReceiver, &to.sin_addr);
  sockaddr_in any = to;
  any.sin_addr.s_addr = htonl(INADDR_ANY);
  bind(rx, reinterpret_cast<sockaddr*>(&any), sizeof any);
  int big = 8 << 20;
  setsockopt(rx, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
  timeval tv{0, 300000};
  setsockopt(rx, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::atomic<long> received{0};
  std::thread receiver([&] {
    unsigned char b[64];
    while (recv(rx, b, sizeof b, 0) > 0) ++received;
  });
  long sent = 0;
  std::int64_t until = mono_us() + static_cast<std::int64_t>(seconds * 1e6);
  unsigned char b[64] = {};
  while (mono_us() < until)
    if (sendto(tx, b, sizeof b, 0, reinterpret_cast<sockaddr*>(&to), sizeof to) > 0) ++sent;
  receiver.join();
  close(tx);
  close(rx);
  *sent_out = sent;
  return received.load();
}

}  // namespace

int main() {
  if (!running_as_root()) {
    std::printf("bench_shaper: needs root (network namespaces, iptables); skipped\n");
    return 0;
  }
  if (!make_namespaces()) {
    std::printf("bench_shaper: cannot make the fl-shb namespaces\n");
    remove_namespaces();
    return 70;
  }
  const int n = 1000, interval_us = 2000;
  // Without a shaper serving queue 5, --queue-bypass lets every packet pass.
  auto base = observe(probe(7500, n, interval_us, 200), n, 0, 0);
  std::printf("baseline (no shaper): %d/%d received, one-way p50 %.3f ms, p99 %.3f ms\n", base.received, n, base.p50,
              base.p99);

  struct Case {
    const char* name;
    std::vector<std::string> args;
    double asked_mean, asked_sd, early_below;
  };
  std::vector<Case> cases = {
      {"delay 50 ms ± 10 ms normal", {"--delay-ms", "50", "--jitter-ms", "10"}, 50, 10, 0},
      {"delay 50 ms ± 10 ms pareto", {"--delay-ms", "50", "--jitter-ms", "10", "--distribution", "pareto"}, 50, 10, 0},
      {"delay 50 ms ± 10 ms, 50% correlated", {"--delay-ms", "50", "--jitter-ms", "10", "--correlation", "50"}, 50, 10, 0},
      {"reorder 25% (delay 10 ms)", {"--reorder", "25", "--delay-ms", "10"}, 0, 0, 5},
      {"duplicate 5%", {"--duplicate", "5"}, 0, 0, 0},
      {"corrupt 5%", {"--corrupt", "5"}, 0, 0, 0},
      {"all four: delay 50±10, reorder 25%, duplicate 5%, corrupt 5%",
       {"--delay-ms", "50", "--jitter-ms", "10", "--reorder", "25", "--duplicate", "5", "--corrupt", "5"}, 50, 10, 20},
  };
  int port = 7501;
  for (const auto& c : cases) {
    Shaper s(c.args);
    auto o = observe(probe(port++, n, interval_us, 400), n, base.p50, c.early_below);
    auto stats = s.stop();
    std::printf("%s\n", c.name);
    if (c.asked_mean > 0)
      std::printf("    added delay: p50 %.2f ms, p99 %.2f ms, mean %.2f ms (asked %.0f), deviation %.2f ms (asked %.0f)\n",
                  o.p50, o.p99, o.mean, c.asked_mean, o.sd, c.asked_sd);
    std::printf("    received %d of %d (%d distinct): lost %.1f%%, duplicated %.1f%%, overtaken %.1f%%", o.received, n,
                o.distinct, 100.0 * (n - o.distinct) / n, 100.0 * (o.received - o.distinct) / n,
                100.0 * o.overtaken / std::max(1, o.received));
    if (c.early_below > 0) std::printf(", sent at once %.1f%%", 100.0 * o.early / std::max(1, o.received));
    std::printf("\n");
    print_shaper(stats);
  }

  // Cost: every packet through the queue, as fast as one sender can go.
  for (const char* what : {"no fault (verdict at once)", "delay 50 ms ± 10 ms"}) {
    std::vector<std::string> args;
    if (std::string(what) != "no fault (verdict at once)") args = {"--delay-ms", "50", "--jitter-ms", "10"};
    Shaper s(args);
    long sent = 0;
    long got = blast(port++, 3.0, &sent);
    auto st = s.stop();
    double secs = 3.0, pk = st.is_object() ? st.value("received", 0.0) : 0;
    double cpu = st.is_object() ? st.value("cpu_seconds", 0.0) : 0;
    std::printf("throughput, %s: sent %ld in %.0f s, received %ld; the shaper carried %.0f packets/s, "
                "%.2f us CPU per packet\n",
                what, sent, secs, got, pk / secs, pk > 0 ? cpu * 1e6 / pk : 0.0);
    print_shaper(st);
  }
  remove_namespaces();
  return 0;
}
