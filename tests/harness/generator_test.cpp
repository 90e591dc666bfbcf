#include <atomic>
#include <chrono>
#include <thread>

#include <catch2/catch.hpp>

#include "harness/generator.h"

using namespace fl;

namespace {

// Counts how many ops it handed out; every op is a write of its number.
class CountingWorkload : public Workload {
 public:
  std::string name() const override { return "counting"; }
  OpSpec next(std::mt19937_64&) override { return {"write", Json(n_.fetch_add(1)), std::nullopt}; }
  std::vector<OpSpec> final_ops() override { return {{"read", nullptr, std::nullopt}}; }
  std::vector<std::string> checkers() const override { return {}; }
  std::atomic<std::int64_t> n_{0};
};

std::int64_t drain(Generator& g, int threads) {
  std::atomic<std::int64_t> got{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t)
    ts.emplace_back([&, t] {
      std::mt19937_64 rng(t);
      WorkerPace pace;
      while (g.next(pace, rng)) got.fetch_add(1);
    });
  for (auto& t : ts) t.join();
  return got.load();
}

}  // namespace

TEST_CASE("an ops limit hands out exactly that many ops however many workers race for them", "[no-cluster]") {
  CountingWorkload w;
  GeneratorOptions o;
  o.ops_limit = 10000;
  o.workers = 8;
  Generator g(w, o);
  CHECK(drain(g, 8) == 10000);
  CHECK(g.issued() == 10000);
  CHECK(g.over());
}

TEST_CASE("a time limit ends the main phase", "[no-cluster]") {
  CountingWorkload w;
  GeneratorOptions o;
  o.time_limit_s = 0.2;
  o.rate = 1000;
  o.workers = 4;
  Generator g(w, o);
  auto t0 = std::chrono::steady_clock::now();
  std::int64_t n = drain(g, 4);
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(n > 0);
  CHECK(took >= 0.2);
  CHECK(g.over());
}

TEST_CASE("a rate limits the ops of all workers together", "[no-cluster]") {
  CountingWorkload w;
  GeneratorOptions o;
  o.time_limit_s = 0.5;
  o.rate = 200;  // 100 ops in 0.5 s; staggered gaps average out
  o.workers = 5;
  Generator g(w, o);
  std::int64_t n = drain(g, 5);
  CHECK(n > 20);
  CHECK(n < 200);  // unthrottled it would be millions
}

TEST_CASE("stop ends the phase for workers waiting on the rate", "[no-cluster]") {
  CountingWorkload w;
  GeneratorOptions o;
  o.time_limit_s = 60;
  o.rate = 1;  // one op per 4 s per worker: workers are asleep most of the time
  o.workers = 4;
  Generator g(w, o);
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    g.stop();
  });
  auto t0 = std::chrono::steady_clock::now();
  drain(g, 4);
  stopper.join();
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(30));
  CHECK(g.over());
}

TEST_CASE("the final ops are handed out once", "[no-cluster]") {
  CountingWorkload w;
  GeneratorOptions o;
  o.ops_limit = 1;
  Generator g(w, o);
  CHECK(g.final_ops().size() == 1);
  CHECK(g.final_ops().empty());
}

TEST_CASE("nonsense generator options are refused", "[no-cluster]") {
  CountingWorkload w;
  GeneratorOptions o;
  o.rate = -1;
  CHECK_THROWS_AS(Generator(w, o), std::invalid_argument);
  o.rate = 0;
  o.workers = 0;
  CHECK_THROWS_AS(Generator(w, o), std::invalid_argument);
}
