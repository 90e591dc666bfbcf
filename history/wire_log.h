// WireLog: what the clients said on the wire — each request a client sent to
// a node and the answer it got (an SQL statement and its rows, a Redis
// command and its reply, an HTTP request and its response), with their
// times — written beside the history as wire.jsonl, one exchange a line:
//   {"process":3,"op":1207,"node":"n2","sent":81234567,"answered":81299001,
//    "request":"UPDATE …","answer":"UPDATE 1"}
// `op` is the history index of the invoke the exchange served (so every op
// can be traced to its statements), `sent`/`answered` are on the history's
// clock (ns since the run began), `answered` is absent when nothing came.
// Texts longer than kMaxText bytes are cut (ending "…"), and the file stops
// growing at its byte limit (truncated() then says so): bounded on any run.
// Clients call wire_exchange(); the worker running an op opens a WireScope
// naming it; without an active log both cost nothing. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace fl {

class WireLog {
 public:
  static constexpr std::size_t kMaxText = 4096;
  // Opens `path` for writing; `start` is the history's time zero. Throws
  // std::runtime_error if the file cannot be created.
  WireLog(const std::string& path, std::chrono::steady_clock::time_point start,
          std::uint64_t max_bytes = 1ull << 30);
  ~WireLog();
  WireLog(const WireLog&) = delete;
  WireLog& operator=(const WireLog&) = delete;

  void add(std::int64_t process, std::int64_t op, const std::string& node, std::chrono::steady_clock::time_point sent,
           std::optional<std::chrono::steady_clock::time_point> answered, const std::string& request,
           const std::string& answer);
  void close();  // flushes; later adds are dropped
  bool truncated() const;
  std::uint64_t exchanges() const;

  // The log clients write to (nullptr: none, nothing is recorded).
  static void set_active(WireLog* log);

 private:
  std::int64_t ns(std::chrono::steady_clock::time_point t) const;
  const std::chrono::steady_clock::time_point start_;
  const std::uint64_t max_bytes_;
  mutable std::mutex mu_;
  std::FILE* file_ = nullptr;
  std::uint64_t bytes_ = 0, exchanges_ = 0;
  bool truncated_ = false;
};

// The op a worker thread is running, for the exchanges its client makes.
class WireScope {
 public:
  WireScope(std::int64_t process, std::int64_t op, const std::string& node);
  ~WireScope();
  WireScope(const WireScope&) = delete;
  WireScope& operator=(const WireScope&) = delete;
};

// Whether exchanges are being recorded on this thread (skip building texts if not).
bool wire_recording();
// One exchange of the current thread's op; nothing without an active log.
void wire_exchange(std::chrono::steady_clock::time_point sent,
                   std::optional<std::chrono::steady_clock::time_point> answered, const std::string& request,
                   const std::string& answer);

// One line of wire.jsonl, read back.
struct WireExchange {
  std::int64_t process = 0, op = -1;
  std::string node;
  std::int64_t sent = 0;
  std::optional<std::int64_t> answered;
  std::string request, answer;
};
// The exchanges of the given ops (history indices of their invokes), in
// file order; all of them if `ops` is empty. A missing file is no exchange;
// a line that is not one is skipped (the log is a witness, not the record).
std::map<std::int64_t, std::vector<WireExchange>> read_wire_log(const std::string& path,
                                                                  const std::set<std::int64_t>& ops);

}  // namespace fl
