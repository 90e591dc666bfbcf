// MemoryReturn: gives the memory a node has freed back to the system, on a
// thread of its own, when asked (after a raft log compaction, say).
// glibc's malloc keeps freed memory in its arenas (main.cpp caps them at
// two) and hands it back to the system only from the top of a heap: memory
// freed in the middle of one stays in the process for good. Three raft
// nodes whose logs are compacted every few seconds, each time freeing what
// the log held, grew by 11 MB a minute with a few MB in use.
// malloc_trim(0) gives every free page of every arena back; it takes
// milliseconds on a big heap, so it runs here, never under a design's lock.
// request() returns at once; requests that come while a trim runs are
// served by one more trim. Elsewhere than glibc it does nothing.
// Thread-safe; the thread lives as long as the process.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>

#include <unistd.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace course {

class MemoryReturn {
 public:
  // `who` names the node in its log line ("raft n2").
  explicit MemoryReturn(std::string who) : who_(std::move(who)) {
    std::thread([this] { loop(); }).detach();
  }
  MemoryReturn(const MemoryReturn&) = delete;
  MemoryReturn& operator=(const MemoryReturn&) = delete;

  void request() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      pending_ = true;
    }
    cv_.notify_one();
  }

  // The process's resident memory in kB (/proc/self/statm), 0 if unknown.
  static long resident_kb() {
    std::ifstream in("/proc/self/statm");
    long pages = 0, resident = 0;
    if (!(in >> pages >> resident)) return 0;
    return resident * (::sysconf(_SC_PAGESIZE) / 1024);
  }

 private:
  void loop() {
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return pending_; });
        pending_ = false;
      }
#ifdef __GLIBC__
      long before = resident_kb();
      auto start = std::chrono::steady_clock::now();
      malloc_trim(0);
      auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      std::fprintf(stderr, "%s: free memory returned to the system in %.1f ms, resident %.1f -> %.1f MB\n",
                   who_.c_str(), ms, before / 1024.0, resident_kb() / 1024.0);
#endif
    }
  }

  std::string who_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool pending_ = false;
};

}  // namespace course
