#include "shaper/nfqueue_loop.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <vector>

#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libnetfilter_queue/libnetfilter_queue.h>

namespace fl::shaper {
namespace {

std::int64_t now_us() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

std::string error_text(int e) { return std::strerror(e); }

// A packet (or a copy) waiting for its time.
struct Held {
  std::int64_t at_us = 0;
  std::uint64_t seq = 0;              // arrival order: equal times keep it
  bool copy = false;
  std::uint32_t id = 0;               // the kernel's packet id (originals)
  std::vector<unsigned char> bytes;   // a copy's packet, or an original whose bit was flipped
};
struct Later {
  bool operator()(const Held& a, const Held& b) const { return a.at_us != b.at_us ? a.at_us > b.at_us : a.seq > b.seq; }
};

// How late releases were, log-linear like an HDR histogram: exact below
// 32 µs, then 16 buckets per power of two (quantiles within 6%, reported as
// their bucket's upper bound, never above the largest seen).
struct Lateness {
  std::array<std::uint64_t, 32 + 40 * 16> buckets{};
  std::uint64_t count = 0;
  std::int64_t max_us = 0;
  static size_t bucket_of(std::int64_t us) {
    if (us < 32) return static_cast<size_t>(us);
    int e = 63 - __builtin_clzll(static_cast<unsigned long long>(us));  // ≥ 5
    return 32 + static_cast<size_t>(e - 5) * 16 + static_cast<size_t>((us >> (e - 4)) & 15);
  }
  static std::int64_t upper_of(size_t b) {
    if (b < 32) return static_cast<std::int64_t>(b);
    int e = static_cast<int>((b - 32) / 16) + 5;
    std::int64_t sub = static_cast<std::int64_t>((b - 32) % 16);
    return ((16 + sub + 1) << (e - 4)) - 1;
  }
  void add(std::int64_t us) {
    us = std::max<std::int64_t>(us, 0);
    ++buckets[std::min(bucket_of(us), buckets.size() - 1)];
    ++count;
    max_us = std::max(max_us, us);
  }
  std::int64_t quantile(double q) const {
    if (count == 0) return 0;
    std::uint64_t need = static_cast<std::uint64_t>(q * static_cast<double>(count - 1)) + 1, seen = 0;
    for (size_t b = 0; b < buckets.size(); ++b)
      if ((seen += buckets[b]) >= need) return std::min(upper_of(b), max_us);
    return max_us;
  }
};

struct Counters {
  std::uint64_t received = 0, released = 0, corrupted = 0, reordered = 0;
  std::uint64_t copies = 0, copies_sent = 0, copies_failed = 0, copies_not_ipv4 = 0, copies_dropped_at_exit = 0;
  std::uint64_t overruns = 0, verdict_errors = 0;
  std::uint64_t max_held = 0;
};

// This namespace's counters of our queue in /proc/net/netfilter/nfnetlink_queue:
// packets the kernel dropped because the queue was full or our socket was.
struct KernelDrops {
  std::uint64_t queue_full = 0, socket_full = 0;
};
KernelDrops kernel_drops(std::uint16_t queue) {
  KernelDrops d;
  std::ifstream in("/proc/net/netfilter/nfnetlink_queue");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    unsigned long long num, portid, total, mode, range, qdrop, udrop;
    if (f >> num >> portid >> total >> mode >> range >> qdrop >> udrop && num == queue) {
      d.queue_full = qdrop;
      d.socket_full = udrop;
    }
  }
  return d;
}

double cpu_seconds() {
  rusage u;
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

class Loop {
 public:
  explicit Loop(const ShaperOptions& o) : o_(o), schedule_(o.shape) {}
  ~Loop() {
    if (qh_) nfq_destroy_queue(qh_);
    if (h_) nfq_close(h_);
    if (raw_ >= 0) close(raw_);
    if (sigfd_ >= 0) close(sigfd_);
  }

  int run() {
    open_queue();
    open_signals();
    raw_ = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);  // IPPROTO_RAW: we give the IP header
    if (raw_ < 0) throw EnvironmentError("cannot open a raw socket for the copies: " + error_text(errno));
    if (setsockopt(raw_, SOL_SOCKET, SO_MARK, &o_.mark, sizeof o_.mark) != 0)
      throw EnvironmentError("cannot mark the copies' socket (SO_MARK needs CAP_NET_ADMIN): " + error_text(errno));
    // A release on time needs the CPU on time: on a busy machine an ordinary
    // process wakes tens of milliseconds late (netem runs in the kernel's
    // timers). The loop sleeps in ppoll, so a real-time priority costs
    // nothing while idle; without the right to it the shaper still runs,
    // and its lateness counters say what that cost.
    sched_param sp{};
    sp.sched_priority = 10;
    realtime_ = sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &sp) == 0;
    started_us_ = now_us();
    next_tick_us_ = started_us_ + 1000000;
    write_stats(started_us_);  // its existence says the queue is bound
    std::fprintf(stderr, "fl-shaper: serving queue %u\n", o_.queue);

    std::vector<char> buf(0x10000 + 4096);
    int fd = nfq_fd(h_);
    while (!stopping_) {
      std::int64_t now = now_us();
      std::int64_t wake = next_tick_us_;
      if (!held_.empty()) wake = std::min(wake, held_.front().at_us);
      std::int64_t wait = std::max<std::int64_t>(0, wake - now);
      timespec ts{static_cast<time_t>(wait / 1000000), static_cast<long>(wait % 1000000) * 1000};
      pollfd fds[2] = {{fd, POLLIN, 0}, {sigfd_, POLLIN, 0}};
      int n = ppoll(fds, 2, &ts, nullptr);
      if (n < 0 && errno != EINTR) throw std::runtime_error("poll failed: " + error_text(errno));
      if (n > 0 && (fds[1].revents & POLLIN)) stopping_ = true;
      if (n > 0 && (fds[0].revents & POLLIN)) {
        // Drain a burst, but not forever: releases that are due come next.
        for (int i = 0; i < 256; ++i) {
          ssize_t r = recv(fd, buf.data(), buf.size(), MSG_DONTWAIT);
          if (r < 0) {
            if (errno == ENOBUFS) {  // our socket overflowed: the kernel dropped packets
              ++c_.overruns;
              continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) break;
            throw std::runtime_error("reading the queue failed: " + error_text(errno));
          }
          nfq_handle_packet(h_, buf.data(), static_cast<int>(r));
        }
      }
      now = now_us();
      release_due(now);
      if (now >= next_tick_us_) {
        tick(now);
        next_tick_us_ += 1000000;
        if (next_tick_us_ <= now) next_tick_us_ = now + 1000000;
      }
    }
    // Stopping: everything still held goes now (copies are extra: dropped).
    std::int64_t now = now_us();
    while (!held_.empty()) {
      std::pop_heap(held_.begin(), held_.end(), Later());
      Held h = std::move(held_.back());
      held_.pop_back();
      if (h.copy) ++c_.copies_dropped_at_exit;
      else verdict(h);
    }
    write_stats(now);
    std::fprintf(stderr, "fl-shaper: stopped; %llu packets shaped\n", static_cast<unsigned long long>(c_.received));
    return 0;
  }

 private:
  void open_queue() {
    h_ = nfq_open();
    if (!h_) throw EnvironmentError("cannot open nfnetlink_queue (is the kernel built with NETFILTER_NETLINK_QUEUE?): " + error_text(errno));
    qh_ = nfq_create_queue(h_, o_.queue, &Loop::on_packet, this);
    if (!qh_)
      throw EnvironmentError("cannot bind NFQUEUE queue " + std::to_string(o_.queue) +
                             " (another program may serve it in this namespace): " + error_text(errno));
    if (nfq_set_mode(qh_, NFQNL_COPY_PACKET, 0xffff) < 0) throw EnvironmentError("cannot ask for whole packets from the queue");
    nfq_set_queue_maxlen(qh_, o_.queue_len);
    int size = 8 << 20;  // a burst waits here rather than being dropped
    setsockopt(nfq_fd(h_), SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size);
  }

  void open_signals() {
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGTERM);
    sigaddset(&s, SIGINT);
    sigprocmask(SIG_BLOCK, &s, nullptr);
    sigfd_ = signalfd(-1, &s, SFD_CLOEXEC);
    if (sigfd_ < 0) throw std::runtime_error("signalfd failed: " + error_text(errno));
  }

  static int on_packet(nfq_q_handle*, nfgenmsg*, nfq_data* nfa, void* self) {
    static_cast<Loop*>(self)->take(nfa);
    return 0;
  }

  void take(nfq_data* nfa) {
    nfqnl_msg_packet_hdr* ph = nfq_get_msg_packet_hdr(nfa);
    if (!ph) return;
    std::int64_t arrival = now_us();
    unsigned char* data = nullptr;
    int len = nfq_get_payload(nfa, &data);
    std::uint32_t header = len > 0 ? ip_header_length(data, static_cast<std::uint32_t>(len)) : 0;
    std::uint32_t payload = len > 0 && header > 0 && header <= static_cast<std::uint32_t>(len) ? len - header : 0;
    ++c_.received;
    Decision d = schedule_.on_packet(arrival, payload);
    if (d.original.at_us == arrival && (o_.shape.delay_ms > 0 || o_.shape.jitter_ms > 0)) ++c_.reordered;
    Held original;
    original.at_us = d.original.at_us;
    original.seq = seq_++;
    original.id = ntohl(ph->packet_id);
    if (d.original.flip_bit) {
      original.bytes.assign(data, data + len);
      flip(original.bytes, header, *d.original.flip_bit);
      ++c_.corrupted;
    }
    push(std::move(original));
    if (d.copy) {
      ++c_.copies;
      if (len < 20 || (data[0] >> 4) != 4) {
        ++c_.copies_not_ipv4;  // the raw socket speaks IPv4 only
      } else {
        Held copy;
        copy.at_us = d.copy->at_us;
        copy.seq = seq_++;
        copy.copy = true;
        copy.bytes.assign(data, data + len);
        if (d.copy->flip_bit) {
          flip(copy.bytes, header, *d.copy->flip_bit);
          ++c_.corrupted;
        }
        push(std::move(copy));
      }
    }
  }

  static std::uint32_t ip_header_length(const unsigned char* p, std::uint32_t len) {
    if ((p[0] >> 4) == 4) return static_cast<std::uint32_t>(p[0] & 0x0f) * 4;
    if ((p[0] >> 4) == 6) return len >= 40 ? 40 : 0;
    return 0;
  }

  static void flip(std::vector<unsigned char>& bytes, std::uint32_t header, std::uint32_t bit) {
    size_t at = header + bit / 8;
    if (at < bytes.size()) bytes[at] ^= static_cast<unsigned char>(1u << (bit % 8));
  }

  void push(Held h) {
    held_.push_back(std::move(h));
    std::push_heap(held_.begin(), held_.end(), Later());
    c_.max_held = std::max<std::uint64_t>(c_.max_held, held_.size());
    tick_max_held_ = std::max<std::uint64_t>(tick_max_held_, held_.size());
  }

  void release_due(std::int64_t now) {
    while (!held_.empty() && held_.front().at_us <= now) {
      std::pop_heap(held_.begin(), held_.end(), Later());
      Held h = std::move(held_.back());
      held_.pop_back();
      lateness_.add(now - h.at_us);
      tick_late_max_ = std::max(tick_late_max_, now - h.at_us);
      if (h.copy) send_copy(h);
      else verdict(h);
      now = now_us();
    }
  }

  void verdict(const Held& h) {
    int r = h.bytes.empty() ? nfq_set_verdict(qh_, h.id, NF_ACCEPT, 0, nullptr)
                            : nfq_set_verdict(qh_, h.id, NF_ACCEPT, static_cast<std::uint32_t>(h.bytes.size()), h.bytes.data());
    if (r < 0) ++c_.verdict_errors;
    else ++c_.released;
  }

  void send_copy(const Held& h) {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    std::memcpy(&to.sin_addr, h.bytes.data() + 16, 4);  // the IPv4 destination
    if (sendto(raw_, h.bytes.data(), h.bytes.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) < 0) ++c_.copies_failed;
    else ++c_.copies_sent;
  }

  // Behind: releases later than max(5 ms, 10% of the mean delay) at the 99th
  // percentile, or packets the kernel or our socket had to drop. The shaper
  // then adds delay or loss of its own, which the run must be told about.
  // The tolerance is the accuracy asked of the delay itself (10% of the
  // mean); its 5 ms floor is what a busy two-core machine costs any process
  // woken on time, even at real-time priority (measured: 1-3 ms at p99 with
  // a database and its clients on the same cores). Every lateness figure is
  // in the stats, behind or not.
  bool behind(const KernelDrops& k) const {
    double allowed = std::max(5000.0, 0.10 * o_.shape.delay_ms * 1000.0);
    return static_cast<double>(lateness_.quantile(0.99)) > allowed || k.queue_full > 0 || k.socket_full > 0 ||
           c_.overruns > 0 || c_.verdict_errors > 0 || c_.copies_failed > 0;
  }

  void tick(std::int64_t now) {
    KernelDrops k = kernel_drops(o_.queue);
    std::fprintf(stderr,
                 "fl-shaper: queue %u: %llu packets this second, %zu held (max %llu), late max %lld us, "
                 "p99 %lld us overall, %llu dropped by the kernel%s\n",
                 o_.queue, static_cast<unsigned long long>(c_.received - tick_received_), held_.size(),
                 static_cast<unsigned long long>(tick_max_held_), static_cast<long long>(tick_late_max_),
                 static_cast<long long>(lateness_.quantile(0.99)),
                 static_cast<unsigned long long>(k.queue_full + k.socket_full), behind(k) ? " — BEHIND" : "");
    tick_received_ = c_.received;
    tick_max_held_ = held_.size();
    tick_late_max_ = 0;
    write_stats(now);
  }

  void write_stats(std::int64_t now) {
    if (o_.stats_path.empty()) return;
    KernelDrops k = kernel_drops(o_.queue);
    auto u = [](std::uint64_t v) { return static_cast<unsigned long long>(v); };
    char text[2048];
    std::snprintf(text, sizeof text,
                  "{\"pid\":%d,\"queue\":%u,\"seconds\":%.3f,\"cpu_seconds\":%.3f,\"received\":%llu,\"released\":%llu,"
                  "\"held\":%zu,\"max_held\":%llu,\"reordered\":%llu,\"corrupted\":%llu,\"copies\":%llu,"
                  "\"copies_sent\":%llu,\"copies_failed\":%llu,\"copies_not_ipv4\":%llu,"
                  "\"copies_dropped_at_exit\":%llu,\"late_p50_us\":%lld,\"late_p99_us\":%lld,\"late_max_us\":%lld,"
                  "\"kernel_dropped_queue_full\":%llu,\"kernel_dropped_socket_full\":%llu,\"overruns\":%llu,"
                  "\"verdict_errors\":%llu,\"realtime\":%s,\"behind\":%s}\n",
                  static_cast<int>(getpid()), o_.queue, (now - started_us_) / 1e6, cpu_seconds(), u(c_.received), u(c_.released), held_.size(),
                  u(c_.max_held), u(c_.reordered), u(c_.corrupted), u(c_.copies), u(c_.copies_sent), u(c_.copies_failed),
                  u(c_.copies_not_ipv4), u(c_.copies_dropped_at_exit), static_cast<long long>(lateness_.quantile(0.5)),
                  static_cast<long long>(lateness_.quantile(0.99)), static_cast<long long>(lateness_.max_us),
                  u(k.queue_full), u(k.socket_full), u(c_.overruns), u(c_.verdict_errors), realtime_ ? "true" : "false",
                  behind(k) ? "true" : "false");
    std::string tmp = o_.stats_path + ".tmp";
    FILE* f = std::fopen(tmp.c_str(), "w");
    if (!f) return;
    std::fputs(text, f);
    std::fclose(f);
    std::rename(tmp.c_str(), o_.stats_path.c_str());
  }

  ShaperOptions o_;
  Schedule schedule_;
  nfq_handle* h_ = nullptr;
  nfq_q_handle* qh_ = nullptr;
  int raw_ = -1, sigfd_ = -1;
  bool stopping_ = false, realtime_ = false;
  std::vector<Held> held_;  // a heap: the earliest release first
  std::uint64_t seq_ = 0;
  Counters c_;
  Lateness lateness_;
  std::int64_t started_us_ = 0, next_tick_us_ = 0, tick_late_max_ = 0;
  std::uint64_t tick_received_ = 0, tick_max_held_ = 0;
};

}  // namespace

int serve(const ShaperOptions& options) {
  Loop loop(options);
  return loop.run();
}

}  // namespace fl::shaper
