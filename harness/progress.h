// Progress: what a run is doing, for a person watching it — elapsed / limit,
// ops/s, and the ok / fail / info counts. On a terminal one line is redrawn
// in place a few times a second; otherwise (a log, CI) a plain line every few
// seconds. It only reads the recorder's counters; it never slows a client.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <mutex>
#include <thread>

#include "harness/recorder.h"

namespace fl {

class Progress {
 public:
  // limit_s 0 = no time limit. out is usually stderr.
  Progress(const Recorder& recorder, double limit_s, std::FILE* out);
  ~Progress();  // stop()
  // Appended to each line: the online checks' verdict so far (set before start()).
  void set_status(std::function<std::string()> status) { status_ = std::move(status); }
  void start();
  // Stops redrawing and ends the line on a terminal. Safe to call twice.
  void stop();

  // The progress line for these figures (no newline).
  static std::string line(double elapsed_s, double limit_s, const OutcomeCounts& c, double ops_per_s);

 private:
  void loop();
  const Recorder& recorder_;
  std::function<std::string()> status_;
  double limit_s_;
  std::FILE* out_;
  bool tty_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace fl
