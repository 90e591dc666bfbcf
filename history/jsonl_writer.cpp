// JSONL writer: DESIGN.md's field order (index, time, process, type, f,
// value, key, node, error), optional fields only when set. Invalid UTF-8 in a
// server's error message is replaced rather than refused: the recorder must
// never lose an op because a database sent odd bytes.
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "history/jsonl.h"

namespace fl {

static void append_json(std::string& out, const Json& j) {
  out += j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string jsonl_line(const Op& op) {
  std::string out;
  out.reserve(96);
  out += '{';
  if (op.index >= 0) fmt::format_to(std::back_inserter(out), "\"index\":{},", op.index);
  if (op.time >= 0) fmt::format_to(std::back_inserter(out), "\"time\":{},", op.time);
  if (op.is_nemesis())
    out += "\"process\":\"nemesis\"";
  else
    fmt::format_to(std::back_inserter(out), "\"process\":{}", op.process);
  out += ",\"type\":\"";
  out += to_string(op.type);
  out += "\",\"f\":";
  append_json(out, Json(op.f));
  out += ",\"value\":";
  append_json(out, op.value);
  if (op.key) {
    out += ",\"key\":";
    append_json(out, *op.key);
  }
  if (!op.node.empty()) {
    out += ",\"node\":";
    append_json(out, Json(op.node));
  }
  if (!op.error.empty()) {
    out += ",\"error\":";
    append_json(out, Json(op.error));
  }
  out += "}\n";
  return out;
}

void write_jsonl(std::ostream& out, const History& h) {
  for (const Op& op : h.ops()) out << jsonl_line(op);
}

JsonlWriter::JsonlWriter(const std::string& path) : path_(path) {
  file_ = std::fopen(path.c_str(), "wb");
  if (!file_) throw std::runtime_error(fmt::format("cannot create {}: {}", path, std::strerror(errno)));
}

JsonlWriter::~JsonlWriter() {
  if (file_) std::fclose(file_);
}

void JsonlWriter::write(const Op& op) {
  if (!file_) throw std::runtime_error(fmt::format("{} is already closed", path_));
  std::string line = jsonl_line(op);
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fflush(file_) != 0)
    throw std::runtime_error(fmt::format("cannot write {}: {}", path_, std::strerror(errno)));
}

void JsonlWriter::close() {
  if (!file_) return;
  int rc = std::fclose(file_);
  file_ = nullptr;
  if (rc != 0) throw std::runtime_error(fmt::format("cannot close {}: {}", path_, std::strerror(errno)));
}

}  // namespace fl
