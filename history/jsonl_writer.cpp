// JSONL writer: DESIGN.md's field order (index, time, process, type, f,
// value, key, node, error), optional fields only when set. Invalid UTF-8 in a
// server's error message is replaced rather than refused: the recorder must
// never lose an op because a database sent odd bytes. Plain ASCII strings and
// integers — nearly every field of a recorded op — are written directly;
// anything else goes through nlohmann's serializer, which they match byte for
// byte, so the output is canonical either way.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "history/jsonl.h"

namespace fl {
namespace {

void append_slow(std::string& out, const Json& j) {
  out += j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

bool plain(std::string_view s) {
  for (char c : s)
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') return false;
  return true;
}

void append_string(std::string& out, std::string_view s) {
  if (plain(s)) {
    out += '"';
    out += s;
    out += '"';
  } else {
    append_slow(out, Json(s));
  }
}

void append_int(std::string& out, std::int64_t v) {
  char buf[24];
  auto r = fmt::format_to_n(buf, sizeof buf, "{}", v);
  out.append(buf, r.out);
}

void append_json(std::string& out, const Json& j) {
  switch (j.type()) {
    case Json::value_t::null: out += "null"; break;
    case Json::value_t::number_integer: append_int(out, j.get<std::int64_t>()); break;
    case Json::value_t::string: append_string(out, j.get_ref<const std::string&>()); break;
    default: append_slow(out, j); break;
  }
}

}  // namespace

void append_jsonl_line(std::string& out, const Op& op) {
  out += '{';
  if (op.index >= 0) {
    out += "\"index\":";
    append_int(out, op.index);
    out += ',';
  }
  if (op.time >= 0) {
    out += "\"time\":";
    append_int(out, op.time);
    out += ',';
  }
  if (op.is_nemesis()) {
    out += "\"process\":\"nemesis\"";
  } else {
    out += "\"process\":";
    append_int(out, op.process);
  }
  out += ",\"type\":\"";
  out += to_string(op.type);
  out += "\",\"f\":";
  append_string(out, op.f);
  out += ",\"value\":";
  append_json(out, op.value);
  if (op.key) {
    out += ",\"key\":";
    append_json(out, *op.key);
  }
  if (!op.node.empty()) {
    out += ",\"node\":";
    append_string(out, op.node);
  }
  if (!op.error.empty()) {
    out += ",\"error\":";
    append_string(out, op.error);
  }
  out += "}\n";
}

std::string jsonl_line(const Op& op) {
  std::string out;
  out.reserve(96);
  append_jsonl_line(out, op);
  return out;
}

void write_jsonl(std::ostream& out, const History& h) {
  std::string line;
  for (const Op& op : h.ops()) {
    line.clear();
    append_jsonl_line(line, op);
    out << line;
  }
}

JsonlWriter::JsonlWriter(const std::string& path, bool fsync) : path_(path), fsync_(fsync) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) throw std::runtime_error(fmt::format("cannot create {}: {}", path, std::strerror(errno)));
}

JsonlWriter::~JsonlWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void JsonlWriter::write(const Op& op) {
  buffer_.clear();
  append_jsonl_line(buffer_, op);
  write_buffer();
}

void JsonlWriter::write(const std::vector<Op>& ops) {
  buffer_.clear();
  for (const Op& op : ops) append_jsonl_line(buffer_, op);
  write_buffer();
}

// One write(2) for the whole buffer; the loop only continues a short write
// (a signal, a full disk about to say so).
void JsonlWriter::write_buffer() {
  if (fd_ < 0) throw std::runtime_error(fmt::format("{} is already closed", path_));
  const char* p = buffer_.data();
  std::size_t left = buffer_.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error(fmt::format("cannot write {}: {}", path_, std::strerror(n < 0 ? errno : ENOSPC)));
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (fsync_ && !buffer_.empty() && ::fdatasync(fd_) != 0)
    throw std::runtime_error(fmt::format("cannot sync {}: {}", path_, std::strerror(errno)));
}

void JsonlWriter::close() {
  if (fd_ < 0) return;
  int rc = ::close(fd_);
  fd_ = -1;
  if (rc != 0) throw std::runtime_error(fmt::format("cannot close {}: {}", path_, std::strerror(errno)));
}

}  // namespace fl
