// ArrivalOrderMutex: a mutex that serves its waiters in the order they asked
// (first come, first served), as a single-threaded server serves its request
// queue. unlock() hands the lock to the longest waiter directly, so a thread
// that has just unlocked cannot take it again ahead of the waiters (std::mutex
// lets it: "barging"). Meets the Lockable requirements (std::lock_guard works).
// The price is a context switch per hand-over when the lock is contended.
// Thread-safety: lock / try_lock / unlock from any thread, as for std::mutex.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>

namespace fl {

class ArrivalOrderMutex {
 public:
  void lock() {
    std::unique_lock<std::mutex> guard(mu_);
    if (!held_) {
      held_ = true;
      return;
    }
    Waiter me;
    queue_.push_back(&me);
    me.cv.wait(guard, [&me] { return me.turn; });  // held_ stays true: the lock was handed to us
  }

  bool try_lock() {
    std::lock_guard<std::mutex> guard(mu_);
    if (held_) return false;
    held_ = true;
    return true;
  }

  // How many threads wait in lock() now (for tests).
  std::size_t waiting() const {
    std::lock_guard<std::mutex> guard(mu_);
    return queue_.size();
  }

  void unlock() {
    std::lock_guard<std::mutex> guard(mu_);
    if (queue_.empty()) {
      held_ = false;
      return;
    }
    Waiter* next = queue_.front();
    queue_.pop_front();
    next->turn = true;
    // Notified under mu_: the waiter cannot return (and destroy its cv)
    // before we are done with it.
    next->cv.notify_one();
  }

 private:
  struct Waiter {
    std::condition_variable cv;
    bool turn = false;
  };
  mutable std::mutex mu_;  // guards held_ and queue_, held only for a few instructions
  bool held_ = false;
  std::deque<Waiter*> queue_;
};

}  // namespace fl
