#include <catch2/catch.hpp>

#include <mutex>
#include <thread>
#include <vector>

#include "systems/memory/arrival_order_mutex.h"

TEST_CASE("the arrival-order mutex serves its waiters first come, first served", "[no-cluster]") {
  fl::ArrivalOrderMutex mu;
  std::mutex order_mu;
  std::vector<int> order;
  mu.lock();
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      std::lock_guard<fl::ArrivalOrderMutex> lock(mu);
      std::lock_guard<std::mutex> record(order_mu);
      order.push_back(i);
    });
    // The next thread starts only once this one is queued.
    while (mu.waiting() < static_cast<std::size_t>(i + 1)) std::this_thread::yield();
  }
  // The holder unlocks and at once asks again: it must queue behind all eight
  // (a std::mutex would usually let it take the lock straight back).
  mu.unlock();
  mu.lock();
  {
    std::lock_guard<std::mutex> record(order_mu);
    order.push_back(99);
  }
  mu.unlock();
  for (auto& t : threads) t.join();
  CHECK(order == std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 99});
  CHECK(mu.waiting() == 0);
  CHECK(mu.try_lock());
  CHECK_FALSE(mu.try_lock());
  mu.unlock();
}
