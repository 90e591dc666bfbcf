// fl-mrouter's --messages file: one JSON line per message the router carried,
// up to a limit, for the report's message diagram. Each line says which end
// this router saw and when (µs of CLOCK_REALTIME):
//   {"node":"n1","end":"recv","from":"n2","to":"n1","src":"n2","dest":"n1",
//    "type":"gossip","msg_id":4,"in_reply_to":2,"sent":…,"recv":…}
// "from"/"to" are who sent and who got it (the node whose router sent it,
// which may differ from "src" when a node writes in a client's name); a
// receipt from another router carries that router's send time ("sent") when
// it said it (routing.h, Datagram). Sends to other nodes and replies to
// clients are "send" lines with "sent" only; a client's request is a "recv"
// line with "recv" only (the client's send is not the router's to know).
// The line after the last record is {"node":…,"limit":N,"at":µs}: nothing
// after "at" is recorded. Lines are whole: the buffer is written one line
// boundary at a time, every second and at the end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "routing.h"

namespace mrouter {

// CLOCK_REALTIME in µs.
std::int64_t now_us();

// One record line (no newline); msg_id / in_reply_to only when the body has them,
// sent / recv only when >= 0.
std::string message_record(const std::string& node, const char* end, const std::string& from, const std::string& to,
                           const Route& r, std::int64_t sent, std::int64_t recv);

class MessageLog {
 public:
  MessageLog() = default;
  ~MessageLog();
  MessageLog(const MessageLog&) = delete;
  MessageLog& operator=(const MessageLog&) = delete;

  // Appends to `path`; returns "" or why it cannot.
  std::string open(const std::string& path, const std::string& node, std::size_t limit);
  // True while records are still wanted: cheap, checked before any clock is read.
  bool on() const { return fd_ >= 0 && count_ < limit_; }
  void record(const char* end, const std::string& from, const std::string& to, const Route& r, std::int64_t sent,
              std::int64_t recv);
  void flush();

 private:
  int fd_ = -1;
  std::string node_;
  std::size_t limit_ = 0, count_ = 0;
  std::string buf_;
};

}  // namespace mrouter
