// on_each_host: runs one function per host, each on its own thread, and waits
// for all — faults touch every node at (nearly) the same moment, and a
// setup or teardown takes the time of the slowest node, not the sum. The
// first exception is rethrown after every thread has finished.
#pragma once

#include <exception>
#include <functional>
#include <thread>
#include <vector>

#include "cluster/host.h"

namespace fl {

inline void on_each_host(const std::vector<Host*>& hosts, const std::function<void(Host&)>& fn) {
  std::vector<std::exception_ptr> errors(hosts.size());
  std::vector<std::thread> threads;
  threads.reserve(hosts.size());
  for (size_t i = 0; i < hosts.size(); ++i)
    threads.emplace_back([&, i] {
      try {
        fn(*hosts[i]);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    });
  for (auto& t : threads) t.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace fl
