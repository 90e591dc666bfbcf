#include "harness/recorder.h"

#include "history/jsonl.h"

namespace fl {

Recorder::Recorder(const std::string& path, bool fsync)
    : on_(!path.empty()), start_(std::chrono::steady_clock::now()) {
  if (!on_) return;
  writer_ = std::make_unique<JsonlWriter>(path, fsync);
  thread_ = std::thread([this] { write_loop(); });
}

Recorder::~Recorder() { close(); }

std::int64_t Recorder::append(Op op, bool may_wait) {
  std::int64_t index;
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (may_wait && pending_.size() >= kMaxPending)
      space_.wait(lock, [this] { return closing_ || pending_.size() < kMaxPending; });
    if (closing_) return -1;
    // Time and index are taken together, under the lock: the file is in
    // real-time order, as DESIGN.md requires.
    op.time = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start_).count();
    op.index = index = next_index_++;
    pending_.push_back(std::move(op));
  }
  wake_.notify_one();
  return index;
}

std::int64_t Recorder::invoke(std::int64_t process, const OpSpec& spec, const std::string& node) {
  invoked_.fetch_add(1, std::memory_order_relaxed);
  if (!on_) return -1;
  Op op;
  op.process = process;
  op.type = OpType::Invoke;
  op.f = spec.f;
  op.value = spec.value;
  op.key = spec.key;
  op.node = node;
  return append(std::move(op), true);
}

void Recorder::complete(std::int64_t process, const OpSpec& spec, const Completion& c, const std::string& node) {
  switch (c.type) {
    case OpType::Ok: ok_.fetch_add(1, std::memory_order_relaxed); break;
    case OpType::Fail: fail_.fetch_add(1, std::memory_order_relaxed); break;
    default: info_.fetch_add(1, std::memory_order_relaxed); break;
  }
  if (!on_) return;
  Op op;
  op.process = process;
  op.type = c.type == OpType::Invoke ? OpType::Info : c.type;
  op.f = spec.f;
  // A failed or indeterminate op reports its argument, as Jepsen does, so a
  // reader sees what was attempted.
  op.value = c.type == OpType::Ok ? c.value : spec.value;
  op.key = spec.key;
  op.node = node;
  op.error = c.error;
  // Never held back: the op has already happened, and a completion recorded
  // late stretches its window over events it did not overlap. Measured on
  // 2 s runs of the memory system with 50 clients (values=small): when
  // completions waited here too, 79-82% of the time that ops were open
  // beyond 20 ms was this wait — the writer fell behind, the woken clients
  // raced, the late ones waited again — and whole groups of ops stayed open
  // across 100,000s of events, histories the linearizability search could
  // not decide (issue 15).
  append(std::move(op), false);
}

void Recorder::nemesis(const NemesisEvent& e) {
  if (!on_) return;
  Op op;
  op.process = kNemesis;
  op.type = OpType::Info;
  op.f = e.f;
  op.value = e.value;
  append(std::move(op), true);
}

void Recorder::write_loop() {
  std::vector<Op> batch;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [this] { return closing_ || !pending_.empty(); });
      if (pending_.empty() && closing_) return;
      batch.swap(pending_);
    }
    space_.notify_all();
    try {
      writer_->write(batch);  // one write(2) for everything since the last wake
      if (listener_) {
        listener_(std::move(batch));
        batch = {};
      }
    } catch (const std::exception& e) {
      std::lock_guard<std::mutex> lock(mu_);
      if (error_.empty()) error_ = e.what();
      closing_ = true;
      pending_.clear();
      space_.notify_all();
      return;
    }
    batch.clear();
  }
}

void Recorder::close() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing_ = true;
  }
  wake_.notify_one();
  space_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (writer_) {
    try {
      writer_->close();
    } catch (const std::exception& e) {
      std::lock_guard<std::mutex> lock(mu_);
      if (error_.empty()) error_ = e.what();
    }
  }
}

OutcomeCounts Recorder::counts() const {
  return {invoked_.load(std::memory_order_relaxed), ok_.load(std::memory_order_relaxed),
          fail_.load(std::memory_order_relaxed), info_.load(std::memory_order_relaxed)};
}

double Recorder::elapsed_s() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

std::string Recorder::error() const {
  std::lock_guard<std::mutex> lock(mu_);
  return error_;
}

}  // namespace fl
