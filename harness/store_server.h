// StoreServer: `faultline serve` — the runs of a store over HTTP (cpp-httplib).
// "/" lists the runs, newest first (report/store_index.h); "/runs/<test>/<run>/…"
// serves a run's files; "/runs/<test>/<run>/ops?from=T0&to=T1" answers a
// summarized report with the ops of a time range of the run's history
// (harness/history_ranges.h). It serves nothing outside the store: a path with a
// "..", "." or empty segment is refused, and so is any path whose real
// location (symlinks resolved) is not inside the store's real folder. Files
// go out with nosniff and a CSP, so a history is never run as a page.
// bind() then listen() (blocking); stop() may be called from any thread.
#pragma once

#include <memory>
#include <string>

namespace fl {

class StoreServer {
 public:
  explicit StoreServer(std::string store_dir);
  ~StoreServer();
  StoreServer(const StoreServer&) = delete;
  StoreServer& operator=(const StoreServer&) = delete;

  // Binds host:port (port 0: any free port) and returns the port; throws
  // std::runtime_error with a sentence when it cannot.
  int bind(const std::string& host, int port);
  void listen();  // serves until stop()
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fl
