// Recorder: turns what the workers and the nemesis do into the history file,
// as the test runs. Each event gets its index and its time (monotonic ns
// since the recorder started) under one short lock, so index order is time
// order. A writer thread takes everything recorded since it last woke and
// appends it with one write(2) (JsonlWriter), so a client never waits on the
// disk, the writer keeps up with millions of events per second, and a
// SIGKILLed run leaves a valid history up to its last complete line. With
// `fsync`, every batch is also fdatasync'd (power-loss durability, at the
// disk's pace). Only when the writer falls kMaxPending events behind do
// clients wait for it, and only before an op begins (invoke, nemesis): a
// completion is recorded at once, since its op has already happened, so the
// history never shows an op open longer than it was. Memory stays bounded
// (kMaxPending plus at most one completion per client) and the reported rate
// is the rate actually recorded.
// Thread-safety: every method may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "history/op.h"
#include "nemesis/nemesis.h"
#include "workloads/workload.h"

namespace fl {

class JsonlWriter;

struct OutcomeCounts {
  std::int64_t invoked = 0, ok = 0, fail = 0, info = 0;
};

class Recorder {
 public:
  // path "" turns recording off: counts are kept, nothing is stored (for
  // measuring what recording costs). Throws std::runtime_error if the file
  // cannot be created.
  explicit Recorder(const std::string& path, bool fsync = false);
  ~Recorder();  // close()
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  static constexpr std::size_t kMaxPending = 1 << 16;

  // Returns the invoke's history index (-1 when nothing is recorded).
  std::int64_t invoke(std::int64_t process, const OpSpec& op, const std::string& node);
  void complete(std::int64_t process, const OpSpec& op, const Completion& c, const std::string& node);
  void nemesis(const NemesisEvent& e);

  // Hands every batch, once written, to `listener` (on the writer's thread,
  // in file order): the run's online checks. Set before the first op.
  void set_listener(std::function<void(std::vector<Op>&&)> listener) { listener_ = std::move(listener); }

  // Drains everything recorded so far to the file and stops the writer.
  // Later calls to invoke/complete are ignored. Safe to call twice.
  void close();

  OutcomeCounts counts() const;
  double elapsed_s() const;
  // The history's time zero (every op's time is ns since it).
  std::chrono::steady_clock::time_point start_time() const { return start_; }
  // The first write error, "" if none (the run reports it; recording stops).
  std::string error() const;

 private:
  // may_wait: may block while the writer is behind. Returns the op's index, or -1.
  std::int64_t append(Op op, bool may_wait);
  void write_loop();

  const bool on_;
  const std::chrono::steady_clock::time_point start_;
  std::unique_ptr<JsonlWriter> writer_;
  std::function<void(std::vector<Op>&&)> listener_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable space_;   // clients wait here only if the writer is far behind
  std::vector<Op> pending_;
  std::int64_t next_index_ = 0;
  bool closing_ = false;
  std::string error_;
  std::thread thread_;

  std::atomic<std::int64_t> invoked_{0}, ok_{0}, fail_{0}, info_{0};
};

}  // namespace fl
