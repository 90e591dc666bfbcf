// bench_recorder: events per second the recorder gets into history.jsonl,
// before and after issue 18, measured in the same run. "before" is the
// recorder as it was (reproduced below: the same queue and writer thread, but
// one fwrite+fflush per op and the old nlohmann-only line formatting);
// "after" is harness/recorder.h (one write(2) per wake of the writer), then
// the same with --fsync. N client threads record invoke/ok pairs of a
// register workload as fast as the recorder lets them; the time includes the
// final drain, and the file's line count is checked against the events.
// On a loaded machine wall-clock rates say little, so it also prints events
// per CPU-second of the whole process (clients and writer together): the
// rate one dedicated core would sustain.
// Usage: bench_recorder [seconds per run, default 3] [client threads, default 8]
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

#include <fmt/format.h>

#include "harness/recorder.h"

using namespace fl;
using Clock = std::chrono::steady_clock;

namespace {

// The recorder before issue 18: a queue drained by a writer thread that
// formats each op with nlohmann and flushes it with its own write.
class PerOpRecorder {
 public:
  explicit PerOpRecorder(const std::string& path) : start_(Clock::now()), file_(std::fopen(path.c_str(), "wb")) {
    thread_ = std::thread([this] { loop(); });
  }
  ~PerOpRecorder() { close(); }

  void invoke(std::int64_t process, const OpSpec& spec, const std::string& node) {
    Op op;
    op.process = process;
    op.f = spec.f;
    op.value = spec.value;
    op.key = spec.key;
    op.node = node;
    append(std::move(op));
  }
  void complete(std::int64_t process, const OpSpec& spec, const Completion& c, const std::string& node) {
    Op op;
    op.process = process;
    op.type = c.type;
    op.f = spec.f;
    op.value = c.value;
    op.key = spec.key;
    op.node = node;
    op.error = c.error;
    append(std::move(op));
  }
  void close() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      closing_ = true;
    }
    wake_.notify_one();
    space_.notify_all();
    if (thread_.joinable()) thread_.join();
    if (file_) std::fclose(file_);
    file_ = nullptr;
  }

 private:
  static void dump(std::string& out, const Json& j) { out += j.dump(-1, ' ', false, Json::error_handler_t::replace); }
  static std::string line(const Op& op) {
    std::string out;
    out.reserve(96);
    out += '{';
    fmt::format_to(std::back_inserter(out), "\"index\":{},\"time\":{},", op.index, op.time);
    fmt::format_to(std::back_inserter(out), "\"process\":{}", op.process);
    out += ",\"type\":\"";
    out += to_string(op.type);
    out += "\",\"f\":";
    dump(out, Json(op.f));
    out += ",\"value\":";
    dump(out, op.value);
    if (op.key) {
      out += ",\"key\":";
      dump(out, *op.key);
    }
    if (!op.node.empty()) {
      out += ",\"node\":";
      dump(out, Json(op.node));
    }
    out += "}\n";
    return out;
  }
  void append(Op op) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (pending_.size() >= Recorder::kMaxPending) space_.wait(lock, [this] { return pending_.size() < Recorder::kMaxPending; });
      op.time = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start_).count();
      op.index = next_++;
      pending_.push_back(std::move(op));
    }
    wake_.notify_one();
  }
  void loop() {
    std::vector<Op> batch;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mu_);
        wake_.wait(lock, [this] { return closing_ || !pending_.empty(); });
        if (pending_.empty() && closing_) return;
        batch.swap(pending_);
      }
      space_.notify_all();
      for (const Op& op : batch) {
        std::string l = line(op);
        std::fwrite(l.data(), 1, l.size(), file_);
        std::fflush(file_);
      }
      batch.clear();
    }
  }

  Clock::time_point start_;
  std::FILE* file_;
  std::mutex mu_;
  std::condition_variable wake_, space_;
  std::vector<Op> pending_;
  std::int64_t next_ = 0;
  bool closing_ = false;
  std::thread thread_;
};

struct Figures {
  std::int64_t events = 0;
  double seconds = 0;
  double cpu_seconds = 0;
  std::int64_t lines = 0;
  double rate() const { return events / seconds; }
  double per_cpu() const { return events / cpu_seconds; }
};

double cpu_now() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

std::int64_t count_lines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::int64_t n = 0;
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0)
    for (std::streamsize i = 0; i < in.gcount(); ++i) n += buf[i] == '\n';
  return n;
}

template <class R>
Figures run(R& recorder, const std::string& path, double seconds, int threads) {
  std::atomic<bool> stop{false};
  std::atomic<std::int64_t> events{0};
  std::vector<std::thread> clients;
  auto t0 = Clock::now();
  double cpu0 = cpu_now();
  for (int t = 0; t < threads; ++t)
    clients.emplace_back([&, t] {
      std::int64_t n = 0;
      for (std::int64_t i = 0; !stop.load(std::memory_order_relaxed); ++i) {
        OpSpec op{i % 2 ? "read" : "write", i % 2 ? Json(nullptr) : Json(i % 5), std::nullopt};
        recorder.invoke(t, op, "n1");
        recorder.complete(t, op, Completion{OpType::Ok, Json(i % 5), ""}, "n1");
        n += 2;
      }
      events += n;
    });
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& c : clients) c.join();
  recorder.close();
  Figures f;
  f.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  f.cpu_seconds = cpu_now() - cpu0;
  f.events = events.load();
  f.lines = count_lines(path);
  std::filesystem::remove(path);
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = argc > 1 ? std::atof(argv[1]) : 3;
  int threads = argc > 2 ? std::atoi(argv[2]) : 8;
  std::string dir = std::filesystem::temp_directory_path().string();
  std::string path = fmt::format("{}/fl-bench-recorder-{}.jsonl", dir, getpid());
  fmt::print("recorder: {} client threads, {:g} s per run, history in {} (best of 2, alternating)\n", threads, seconds,
             dir);
  Figures before, after, synced;
  for (int rep = 0; rep < 2; ++rep) {
    {
      PerOpRecorder r(path);
      Figures f = run(r, path, seconds, threads);
      if (f.rate() > before.rate() || rep == 0) before = f;
    }
    {
      Recorder r(path);
      Figures f = run(r, path, seconds, threads);
      if (f.rate() > after.rate() || rep == 0) after = f;
    }
    {
      Recorder r(path, true);
      Figures f = run(r, path, seconds, threads);
      if (f.rate() > synced.rate() || rep == 0) synced = f;
    }
  }
  fmt::print("{:<36} {:>14} {:>7} {:>18} {:>7}\n", "", "events/s", "ratio", "events/CPU-second", "ratio");
  auto row = [&](const char* name, const Figures& f) {
    fmt::print("{:<36} {:>14.0f} {:>6.2f}x {:>18.0f} {:>6.2f}x  ({} events, {} lines{})\n", name, f.rate(),
               f.rate() / before.rate(), f.per_cpu(), f.per_cpu() / before.per_cpu(), f.events, f.lines,
               f.lines == f.events ? "" : " — MISMATCH");
  };
  row("before: one flush per op", before);
  row("after: one write(2) per batch", after);
  row("after, --fsync: fdatasync per batch", synced);
  return after.lines == after.events && before.lines == before.events && synced.lines == synced.events ? 0 : 1;
}
