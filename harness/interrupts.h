// InterruptWatcher: what Ctrl-C means during `faultline test`. The first
// SIGINT (or SIGTERM) calls `first` (the runner stops new ops, drains, tears
// down, checks and writes results); the second calls `second` (tear down at
// once and exit). The signal handler only bumps a counter and writes a byte
// to a pipe (async-signal-safe); a watcher thread runs the callbacks.
// One watcher at a time per process; the destructor restores the old handlers.
#pragma once

#include <functional>
#include <thread>

namespace fl {

class InterruptWatcher {
 public:
  InterruptWatcher(std::function<void()> first, std::function<void()> second);
  ~InterruptWatcher();
  InterruptWatcher(const InterruptWatcher&) = delete;
  InterruptWatcher& operator=(const InterruptWatcher&) = delete;

 private:
  void loop();
  std::function<void()> first_, second_;
  int pipe_[2] = {-1, -1};
  std::thread thread_;
};

}  // namespace fl
