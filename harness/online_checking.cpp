#include "harness/online_checking.h"

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

namespace fl {

OnlineChecking::OnlineChecking(std::map<std::string, std::unique_ptr<OnlineCheck>> checks, std::FILE* out,
                               std::chrono::steady_clock::time_point start)
    : checks_(std::move(checks)), out_(out), start_(start) {
  thread_ = std::thread([this] { loop(); });
}

OnlineChecking::~OnlineChecking() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void OnlineChecking::take(std::vector<Op>&& batch) {
  if (batch.empty()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closing_) return;
    taken_ += static_cast<std::int64_t>(batch.size());
    for (Op& op : batch) op.line = op.index + 1;  // history.jsonl holds one op a line
    queue_.push_back(std::move(batch));
    std::int64_t behind = taken_ - fed_.load();
    if (behind > max_lag_.load()) max_lag_.store(behind);
  }
  wake_.notify_one();
}

std::int64_t OnlineChecking::lag() const {
  std::lock_guard<std::mutex> lock(mu_);
  return taken_ - fed_.load();
}

namespace {
std::int64_t ns_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count();
}
}  // namespace

double OnlineChecking::lag_s() const {
  std::int64_t since = feeding_since_ns_.load();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (since < 0 && !queue_.empty()) since = queue_.front().front().time;
  }
  return since < 0 ? 0.0 : static_cast<double>(std::max<std::int64_t>(0, ns_since(start_) - since)) / 1e9;
}

std::int64_t OnlineChecking::taken() const {
  std::lock_guard<std::mutex> lock(mu_);
  return taken_;
}

double OnlineChecking::max_lag_s() const { return static_cast<double>(max_wait_ns_.load()) / 1e9; }

void OnlineChecking::loop() {
  for (;;) {
    std::vector<Op> batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [this] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) return;
      batch = std::move(queue_.front());
      queue_.pop_front();
      feeding_since_ns_.store(batch.front().time);
    }
    for (const Op& op : batch) {
      feed(op, fed_.load());
      fed_.fetch_add(1);
    }
    // The batch's first op is its oldest: it waited the longest.
    const std::int64_t waited = ns_since(start_) - batch.front().time;
    if (waited > max_wait_ns_.load()) max_wait_ns_.store(waited);
    feeding_since_ns_.store(-1);
  }
}

// Pair numbers as History::pairs() gives them: invocations numbered in file
// order, a completion taking its process's open invocation's.
void OnlineChecking::feed(const Op& op, std::int64_t position) {
  std::int64_t pair = -1;
  if (!op.is_nemesis()) {
    if (op.is_invoke()) {
      pair = open_pairs_[op.process] = next_pair_++;
    } else if (auto it = open_pairs_.find(op.process); it != open_pairs_.end()) {
      pair = it->second;
      open_pairs_.erase(it);
    }
  }
  OpRef ref(op, position, pair, {}, false);
  for (auto& [name, check] : checks_) {
    if (failed_.count(name)) continue;
    try {
      check->feed(ref);
      for (const std::string& a : check->take_anomalies()) {
        const std::int64_t n = anomalies_.fetch_add(1) + 1;
        if (!out_ || n > kPrinted + 1) continue;
        if (n <= kPrinted) std::fprintf(out_, "\nonline: %s: %s\n", name.c_str(), a.c_str());
        else std::fprintf(out_, "\nonline: more anomalies are counted, not printed (results.json and the report list them)\n");
      }
    } catch (const std::exception& e) {
      failed_[name] = e.what();
    }
  }
}

std::map<std::string, CheckResult> OnlineChecking::finish(std::int64_t op_count, std::vector<std::string>& errors) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  std::map<std::string, CheckResult> out;
  for (auto& [name, check] : checks_) {
    if (auto f = failed_.find(name); f != failed_.end()) {
      errors.push_back(fmt::format("the online {} check failed: {}", name, f->second));
      continue;
    }
    try {
      out[name] = check->finish(op_count);
    } catch (const std::exception& e) {
      errors.push_back(fmt::format("the online {} check failed: {}", name, e.what()));
    }
  }
  return out;
}

}  // namespace fl
