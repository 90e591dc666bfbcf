#include "message_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace mrouter {

std::int64_t now_us() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

namespace {

// A JSON string literal, written by hand: records are made per message and
// must cost little. Anything but ASCII goes through nlohmann's dump, which
// replaces invalid UTF-8.
void append_string(std::string& out, const std::string& s) {
  for (unsigned char c : s)
    if (c >= 0x80) {
      out += Json(s).dump(-1, ' ', false, Json::error_handler_t::replace);
      return;
    }
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\u%04x", static_cast<unsigned>(c));
      out += esc;
    } else {
      out += c;
    }
  }
  out += '"';
}

void append_field(std::string& out, const char* key, const std::string& value) {
  out += ",\"";
  out += key;
  out += "\":";
  append_string(out, value);
}

}  // namespace

std::string message_record(const std::string& node, const char* end, const std::string& from, const std::string& to,
                           const Route& r, std::int64_t sent, std::int64_t recv) {
  std::string out = "{\"node\":";
  append_string(out, node);
  append_field(out, "end", end);
  append_field(out, "from", from);
  append_field(out, "to", to);
  append_field(out, "src", r.src);
  append_field(out, "dest", r.dest);
  auto type = r.body.find("type");
  append_field(out, "type", type != r.body.end() && type->is_string() ? type->get_ref<const std::string&>() : "");
  for (const char* key : {"msg_id", "in_reply_to"})
    if (auto it = r.body.find(key); it != r.body.end()) {
      out += ",\"";
      out += key;
      out += "\":";
      out += it->dump(-1, ' ', false, Json::error_handler_t::replace);
    }
  if (sent >= 0) out += ",\"sent\":" + std::to_string(sent);
  if (recv >= 0) out += ",\"recv\":" + std::to_string(recv);
  out += '}';
  return out;
}

MessageLog::~MessageLog() {
  flush();
  if (fd_ >= 0) ::close(fd_);
}

std::string MessageLog::open(const std::string& path, const std::string& node, std::size_t limit) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) return "cannot open " + path + ": " + std::strerror(errno);
  node_ = node;
  limit_ = limit;
  return "";
}

void MessageLog::record(const char* end, const std::string& from, const std::string& to, const Route& r,
                        std::int64_t sent, std::int64_t recv) {
  if (!on()) return;
  buf_ += message_record(node_, end, from, to, r, sent, recv);
  buf_ += '\n';
  if (++count_ == limit_)
    buf_ += Json{{"node", node_}, {"limit", limit_}, {"at", now_us()}}.dump() + "\n";
  if (buf_.size() >= 32768 || count_ == limit_) flush();
}

void MessageLog::flush() {
  std::size_t done = 0;
  while (fd_ >= 0 && done < buf_.size()) {
    ssize_t n = ::write(fd_, buf_.data() + done, buf_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // a full disk loses the records, never the messages
    done += static_cast<std::size_t>(n);
  }
  buf_.clear();
}

}  // namespace mrouter
