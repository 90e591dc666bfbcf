#include "harness/progress.h"

#include <chrono>
#include <string>

#include <fmt/format.h>
#include <unistd.h>

namespace fl {

Progress::Progress(const Recorder& recorder, double limit_s, std::FILE* out)
    : recorder_(recorder), limit_s_(limit_s), out_(out), tty_(isatty(fileno(out)) == 1) {}

Progress::~Progress() { stop(); }

std::string Progress::line(double elapsed_s, double limit_s, const OutcomeCounts& c, double ops_per_s) {
  std::string limit = limit_s > 0 ? fmt::format(" / {:.0f} s", limit_s) : std::string(" s");
  return fmt::format("{:6.1f}{}  {:8.0f} ops/s  ok {}  fail {}  info {}", elapsed_s, limit, ops_per_s, c.ok,
                     c.fail, c.info);
}

void Progress::start() { thread_ = std::thread([this] { loop(); }); }

void Progress::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void Progress::loop() {
  using namespace std::chrono;
  const auto period = tty_ ? milliseconds(250) : seconds(5);
  std::int64_t last_done = 0;
  double last_t = recorder_.elapsed_s();
  std::unique_lock<std::mutex> lock(mu_);
  while (!wake_.wait_for(lock, period, [this] { return stopping_; })) {
    OutcomeCounts c = recorder_.counts();
    double t = recorder_.elapsed_s();
    std::int64_t done = c.ok + c.fail + c.info;
    double rate = t > last_t ? (done - last_done) / (t - last_t) : 0;
    last_done = done;
    last_t = t;
    std::string s = line(t, limit_s_, c, rate);
    if (status_) s += " · " + status_();
    if (tty_) fmt::print(out_, "\r\033[K{}", s);
    else fmt::print(out_, "{}\n", s);
    std::fflush(out_);
  }
  if (tty_) {
    fmt::print(out_, "\r\033[K");
    std::fflush(out_);
  }
}

}  // namespace fl
