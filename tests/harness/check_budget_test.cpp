// The check budget of `faultline test` (harness/results.h): checkers that
// finish in time give their verdict; one that does not is given up on at the
// budget (plus a short grace) with an unknown verdict and the reason, while
// it finishes alone on its own thread.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include <catch2/catch.hpp>

#include "checkers/registry.h"
#include "harness/results.h"

using namespace fl;

namespace {

// A checker that takes as long as the test says: it returns only once
// released, which no real checker needs but a budget test does.
struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
  std::atomic<bool> finished{false};
};

class WaitingChecker : public Checker {
 public:
  explicit WaitingChecker(std::shared_ptr<Gate> gate) : gate_(std::move(gate)) {}
  std::string name() const override { return "waiting"; }
  std::string description() const override { return "returns valid once the test opens its gate"; }
  CheckResult check(const History&, const CheckOptions&) const override {
    std::unique_lock<std::mutex> lock(gate_->mu);
    gate_->cv.wait(lock, [&] { return gate_->open; });
    gate_->finished = true;
    CheckResult r;
    r.valid = Validity::Valid;
    return r;
  }

 private:
  std::shared_ptr<Gate> gate_;
};

std::shared_ptr<const History> tiny_history() {
  Op a, b;
  a.process = b.process = 0;
  a.type = OpType::Invoke;
  b.type = OpType::Ok;
  a.f = b.f = "write";
  a.value = b.value = 1;
  return std::make_shared<const History>(History({a, b}, "tiny.jsonl"));
}

}  // namespace

TEST_CASE("checkers that finish within the check budget give their own verdict", "[no-cluster]") {
  BudgetedResults r = run_checkers_within(tiny_history(), {find_checker("stats")}, CheckOptions{}, 60);
  CHECK_FALSE(r.abandoned);
  CHECK(r.results.valid == Validity::Valid);
  CHECK(r.results.file.to_json()["checkers"].contains("stats"));
}

TEST_CASE("a checker still running past the check budget is given up on: unknown, with the reason", "[no-cluster]") {
  // The checker must outlive the thread that runs it: static here, as the
  // registry's checkers are.
  static const auto gate = std::make_shared<Gate>();
  static const WaitingChecker waiting(gate);
  const auto start = std::chrono::steady_clock::now();
  BudgetedResults r = run_checkers_within(tiny_history(), {&waiting}, CheckOptions{}, 0.2);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(r.abandoned);
  CHECK(took < 5);  // 0.2 s and the grace, not forever
  CHECK(r.results.valid == Validity::Unknown);
  CHECK(r.results.file.to_json()["valid"] == "unknown");
  CHECK(r.results.file.to_json()["reason"].get<std::string>().find("check budget of 0.2 s") != std::string::npos);
  CHECK(r.results.file.to_json()["checkers"]["waiting"]["valid"] == "unknown");
  // Let it finish, so nothing runs on once the test is over.
  {
    std::lock_guard<std::mutex> lock(gate->mu);
    gate->open = true;
  }
  gate->cv.notify_all();
  for (int i = 0; i < 500 && !gate->finished; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(gate->finished);
}
