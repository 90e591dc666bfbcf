#include "snapshot.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace course {
void save_snapshot(const std::string& path, Durability durability, const Snapshot& s) {
  if (durability == Durability::None || path.empty()) return;
  std::string data = Json{{"index", s.index}, {"term", s.term}}.dump() + "\n" + s.state + "\n";
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot open " + tmp + ": " + std::strerror(errno));
  std::size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      ::close(fd);
      throw std::runtime_error("cannot write " + tmp + ": " + std::strerror(e));
    }
    off += static_cast<std::size_t>(n);
  }
  if (durability == Durability::Fsync && ::fsync(fd) != 0) {
    int e = errno;
    ::close(fd);
    throw std::runtime_error("cannot sync " + tmp + ": " + std::strerror(e));
  }
  ::close(fd);
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    throw std::runtime_error("cannot replace " + path + ": " + std::strerror(errno));
  if (durability == Durability::Fsync) sync_dir_of(path);
}

Snapshot load_snapshot(const std::string& path, std::string* note) {
  Snapshot s;
  if (path.empty()) return s;
  std::ifstream in(path);
  if (!in) return s;
  std::string header, state;
  bool whole = static_cast<bool>(std::getline(in, header)) && !in.eof() && static_cast<bool>(std::getline(in, state)) &&
               !in.eof();  // both lines end with their newline
  Json h = whole ? Json::parse(header, nullptr, false) : Json();
  if (!whole || !h.is_object() || !h.contains("index") || !h.contains("term") || !Json::accept(state)) {
    if (note) *note = path + " is not a whole snapshot (a power cut before it reached the disk?): ignored";
    return s;
  }
  s.index = h["index"].get<std::uint64_t>();
  s.term = h["term"].get<std::uint64_t>();
  s.state = std::move(state);
  return s;
}

}  // namespace course
