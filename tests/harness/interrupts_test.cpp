#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>

#include <catch2/catch.hpp>

#include "harness/interrupts.h"

using namespace fl;

TEST_CASE("the first Ctrl-C asks to stop and the second to tear down at once", "[no-cluster]") {
  std::atomic<int> first{0}, second{0};
  struct sigaction before {};
  sigaction(SIGINT, nullptr, &before);
  {
    InterruptWatcher w([&] { ++first; }, [&] { ++second; });
    std::raise(SIGINT);
    for (int i = 0; i < 200 && first == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    CHECK(first == 1);
    CHECK(second == 0);
    std::raise(SIGINT);
    for (int i = 0; i < 200 && second == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    CHECK(second == 1);
  }
  // The previous handler is back once the watcher is gone.
  struct sigaction now {};
  sigaction(SIGINT, nullptr, &now);
  CHECK(now.sa_handler == before.sa_handler);
}
