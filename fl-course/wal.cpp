#include "wal.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace course {
namespace {

void write_all(int fd, const std::string& data, const std::string& path) {
  std::size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
    off += static_cast<std::size_t>(n);
  }
}

}  // namespace

void sync_dir_of(const std::string& path) {
  auto slash = path.find_last_of('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

Wal::Wal(std::string path, Durability durability, const std::function<void(const Json&)>& replay)
    : path_(std::move(path)), durability_(durability) {
  if (durability_ == Durability::None) return;
  std::ifstream in(path_);
  std::string line;
  std::size_t good_bytes = 0;
  while (std::getline(in, line)) {
    if (in.eof()) break;  // no newline: a torn write, dropped (and cut off below)
    Json j = Json::parse(line, nullptr, false);
    if (j.is_discarded()) break;
    replay(j);
    good_bytes += line.size() + 1;
    ++lines_;
  }
  in.close();
  open_for_append();
  // A new file's name is durable only once its directory is synced.
  if (durability_ == Durability::Fsync) sync_dir_of(path_);
  if (::ftruncate(fd_, static_cast<off_t>(good_bytes)) != 0)
    throw std::runtime_error("cannot truncate " + path_ + ": " + std::strerror(errno));
}

Wal::~Wal() {
  if (fd_ >= 0) ::close(fd_);
}

void Wal::open_for_append() {
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) throw std::runtime_error("cannot open " + path_ + ": " + std::strerror(errno));
}

void Wal::append(const std::vector<Json>& records, std::uint64_t ticket) {
  if (durability_ == Durability::None) return;
  std::string lines;
  for (const Json& r : records) lines += r.dump() + "\n";
  append_lines(lines, records.size(), ticket);
}

void Wal::append_lines(const std::string& lines, std::size_t count, std::uint64_t ticket) {
  std::lock_guard<std::mutex> lock(mu_);
  if (durability_ == Durability::None) return;
  queued_ += lines;
  lines_ += count;
  queued_upto_ = ticket;
}

void Wal::loaded_up_to(std::uint64_t ticket) {
  std::lock_guard<std::mutex> lock(mu_);
  queued_upto_ = durable_upto_ = ticket;
}

void Wal::wait(std::uint64_t ticket) {
  std::unique_lock<std::mutex> lock(mu_);
  if (durability_ == Durability::None) return;
  ticket = std::min(ticket, queued_upto_);  // a ticket never queued has nothing to wait for
  while (durable_upto_ < ticket) {
    if (flushing_) {
      cv_.wait(lock);
      continue;
    }
    // Lead one flush for everything queued so far (group commit).
    flushing_ = true;
    std::string data;
    data.swap(queued_);
    std::uint64_t upto = queued_upto_;
    lock.unlock();
    try {
      write_all(fd_, data, path_);
      if (durability_ == Durability::Fsync && ::fdatasync(fd_) != 0)
        throw std::runtime_error("cannot sync " + path_ + ": " + std::strerror(errno));
    } catch (...) {
      lock.lock();
      flushing_ = false;
      cv_.notify_all();
      throw;
    }
    lock.lock();
    durable_upto_ = upto;
    flushing_ = false;
    cv_.notify_all();
  }
}

void Wal::rewrite(const std::vector<Json>& records) {
  if (durability_ == Durability::None) return;
  std::string data;
  for (const Json& r : records) data += r.dump() + "\n";
  rewrite_lines(data, records.size());
}

void Wal::rewrite_lines(const std::string& data, std::size_t count) {
  std::unique_lock<std::mutex> lock(mu_);
  if (durability_ == Durability::None) return;
  cv_.wait(lock, [&] { return !flushing_; });  // a flush in progress writes to the old file
  std::string tmp = path_ + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot open " + tmp + ": " + std::strerror(errno));
  write_all(fd, data, tmp);
  if (durability_ == Durability::Fsync) ::fsync(fd);
  ::close(fd);
  if (std::rename(tmp.c_str(), path_.c_str()) != 0)
    throw std::runtime_error("cannot replace " + path_ + ": " + std::strerror(errno));
  if (durability_ == Durability::Fsync) sync_dir_of(path_);
  ::close(fd_);
  open_for_append();
  lines_ = count;
  // What was queued is in the new file; its buffer, as long as the largest
  // burst ever queued, goes with it.
  std::string().swap(queued_);
  durable_upto_ = queued_upto_;
  cv_.notify_all();
}

}  // namespace course
