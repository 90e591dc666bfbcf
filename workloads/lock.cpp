// The `lock` workload (COURSE.md's lock rows; Kleppmann, "How to do
// distributed locking", 2016): every worker takes one lease lock in turn and
// writes to a store with the lease's token, then releases it:
//   acquire {"lock", "client", "ttl_ms", "wait_ms"}  ok → the same plus "token"
//   pause   {"ms"}     sometimes, after an acquire: the client stalls longer
//                      than its lease (the "GC pause"), recorded as an op
//   write   {"key", "client", "token", "value"}      the store logs [client, token]
//   release {"lock", "client", "token"}
// and, after the main phase, one `read` {"key"} of the store → {"value",
// "log"}. Each acquire names a fresh client ("c17"), so every hold, write and
// log entry is traced to one acquire. An acquire retries a held lock for up
// to wait_ms before it fails (as lock clients, Redlock's included, do).
// Knobs (--workload-opt): ttl-ms (default 400), pause-ms (default twice the
// lease), pause-rate (default 0.3; 0 turns the pauses off), wait-ms (1000).
// Judged by the lock checker. Per-worker state is keyed by the worker's
// thread (workload.h: a worker calls next() and completed() on its own).
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "workloads/params.h"
#include "workloads/workload.h"

namespace fl {
namespace {

constexpr const char* kLock = "lock";
constexpr const char* kKey = "data";

class LockWorkload : public Workload {
 public:
  explicit LockWorkload(const WorkloadOptions& opts) {
    WorkloadParams p("lock", opts.params);
    ttl_ms_ = p.whole("ttl-ms", 400, 1);
    pause_ms_ = p.whole("pause-ms", 2 * ttl_ms_, 0);
    wait_ms_ = p.whole("wait-ms", 1000, 0);
    pause_rate_ = p.fraction("pause-rate", 0.3);
  }
  std::string name() const override { return "lock"; }

  OpSpec next(std::mt19937_64& rng) override {
    std::lock_guard<std::mutex> lock(mu_);
    Cycle& c = cycles_[std::this_thread::get_id()];
    switch (c.step) {
      case Step::Holding:
        if (!c.paused && pause_ms_ > 0 && std::uniform_real_distribution<double>(0, 1)(rng) < pause_rate_) {
          c.paused = true;
          return {"pause", {{"ms", pause_ms_}}, std::nullopt};
        }
        c.step = Step::Writing;
        return {"write", {{"key", kKey}, {"client", c.client}, {"token", c.token}, {"value", ++values_}}, std::nullopt};
      case Step::Written:
        c.step = Step::Releasing;
        return {"release", {{"lock", kLock}, {"client", c.client}, {"token", c.token}}, std::nullopt};
      default:
        c = Cycle{};
        c.client = "c" + std::to_string(++clients_);
        c.step = Step::Acquiring;
        return {"acquire", {{"lock", kLock}, {"client", c.client}, {"ttl_ms", ttl_ms_}, {"wait_ms", wait_ms_}},
                std::nullopt};
    }
  }

  void completed(const OpSpec& op, const Completion& done) override {
    std::lock_guard<std::mutex> lock(mu_);
    Cycle& c = cycles_[std::this_thread::get_id()];
    // An indeterminate op retires the process (Jepsen's rule); the worker's
    // next process starts with nothing held.
    if (done.type == OpType::Info) {
      c = Cycle{};
      return;
    }
    if (op.f == "acquire") {
      bool got = done.type == OpType::Ok && done.value.is_object() && done.value.contains("token") &&
                 done.value["token"].is_number_integer();
      c.step = got ? Step::Holding : Step::Idle;
      if (got) c.token = done.value["token"].get<std::int64_t>();
    } else if (op.f == "write") {
      c.step = Step::Written;
    } else if (op.f == "release") {
      c.step = Step::Idle;
    }
  }

  std::vector<OpSpec> final_ops() override { return {OpSpec{"read", {{"key", kKey}}, std::nullopt}}; }
  std::vector<std::string> checkers() const override { return {"lock", "stats"}; }

 private:
  enum class Step { Idle, Acquiring, Holding, Writing, Written, Releasing };
  struct Cycle {
    Step step = Step::Idle;
    std::string client;
    std::int64_t token = 0;
    bool paused = false;
  };
  std::int64_t ttl_ms_, pause_ms_, wait_ms_;
  double pause_rate_;
  std::mutex mu_;
  std::map<std::thread::id, Cycle> cycles_;
  std::int64_t clients_ = 0, values_ = 0;
};

}  // namespace

std::unique_ptr<Workload> make_lock_workload(const WorkloadOptions& opts) {
  return std::make_unique<LockWorkload>(opts);
}

}  // namespace fl
