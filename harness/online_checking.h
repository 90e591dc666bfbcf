// OnlineChecking: the run's checkers that have an online form
// (checkers/online.h), fed the ops as the recorder writes them, on a thread
// of their own, so that neither the clients nor the history's writer ever
// wait for a check. An anomaly decided mid-run is printed on stderr at once
// ("online: linearizable: …"; the first kPrinted, then a line saying the
// rest are only counted); anomaly_found() lets the run end its main
// phase there (--stop-on-anomaly). The check lag is how far behind the
// recorder the checks are: in ops (recorded, not yet seen) and in seconds
// (how long the oldest op not yet checked has waited since it was recorded). finish() waits for them and gives each
// online verdict, which the run compares with the offline check of the same
// history. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "checkers/online.h"

namespace fl {

class OnlineChecking {
 public:
  static constexpr std::int64_t kPrinted = 10;  // anomalies printed; the rest are counted
  // `checks`: checker name → its online form (none null). `out`: where
  // anomalies are printed (null: nowhere).
  // `start`: the history's time zero (Recorder::start_time()).
  OnlineChecking(std::map<std::string, std::unique_ptr<OnlineCheck>> checks, std::FILE* out,
                 std::chrono::steady_clock::time_point start);
  ~OnlineChecking();
  OnlineChecking(const OnlineChecking&) = delete;
  OnlineChecking& operator=(const OnlineChecking&) = delete;

  // The recorder's latest batch, in file order (its writer thread calls this).
  void take(std::vector<Op>&& batch);
  bool anomaly_found() const { return anomalies_.load() > 0; }
  std::int64_t anomalies() const { return anomalies_.load(); }
  std::int64_t lag() const;  // ops taken, not yet fed
  std::int64_t taken() const;  // ops taken in all (the history's events so far)
  bool covers(std::size_t checkers) const { return checks_.size() == checkers; }
  std::int64_t max_lag() const { return max_lag_.load(); }
  double lag_s() const;      // now; 0 when every op taken was fed
  double max_lag_s() const;  // the most any op waited before it was checked
  // Feeds what is left, stops the thread, and finishes every check: name →
  // its verdict. A check that threw is left out, its error in `errors`.
  std::map<std::string, CheckResult> finish(std::int64_t op_count, std::vector<std::string>& errors);

 private:
  void loop();
  void feed(const Op& op, std::int64_t position);

  std::map<std::string, std::unique_ptr<OnlineCheck>> checks_;
  std::map<std::string, std::string> failed_;  // a check that threw: why
  std::FILE* out_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::vector<Op>> queue_;
  std::int64_t taken_ = 0;
  std::atomic<std::int64_t> fed_{0}, anomalies_{0}, max_lag_{0};
  const std::chrono::steady_clock::time_point start_;
  std::atomic<std::int64_t> feeding_since_ns_{-1};  // history time of the batch being fed's first op; -1: none
  std::atomic<std::int64_t> max_wait_ns_{0};
  bool closing_ = false;
  std::map<std::int64_t, std::int64_t> open_pairs_;  // process → pair number of its open invocation
  std::int64_t next_pair_ = 0;
  std::thread thread_;
};

}  // namespace fl
