#include "history/line_reader.h"

#include <cstring>

namespace fl {

static constexpr std::size_t kLineBlock = 1 << 20;

bool LineReader::fill() {
  if (eof_) return false;
  // Keep the unread tail at the front, then read a block straight after it
  // (the buffer doubles when one line outgrows it).
  std::size_t tail = size_ - pos_;
  if (tail + kLineBlock > cap_) {
    std::size_t cap = cap_ ? cap_ : 2 * kLineBlock;
    while (tail + kLineBlock > cap) cap *= 2;
    std::unique_ptr<char[]> grown(new char[cap]);
    if (tail) std::memcpy(grown.get(), buf_.get() + pos_, tail);
    buf_ = std::move(grown);
    cap_ = cap;
  } else if (tail) {
    std::memmove(buf_.get(), buf_.get() + pos_, tail);
  }
  pos_ = 0;
  size_ = tail;
  in_.read(buf_.get() + size_, static_cast<std::streamsize>(cap_ - size_));
  auto got = static_cast<std::size_t>(in_.gcount());
  size_ += got;
  if (got == 0) eof_ = true;
  return got > 0;
}

bool LineReader::next(std::string_view& line) {
  std::size_t scanned = 0;  // bytes after pos_ already known to hold no '\n'
  for (;;) {
    const char* start = buf_.get() + pos_;
    std::size_t avail = size_ - pos_;
    const void* nl = avail > scanned ? std::memchr(start + scanned, '\n', avail - scanned) : nullptr;
    if (nl) {
      std::size_t len = static_cast<const char*>(nl) - start;
      pos_ += len + 1;
      consumed_ += static_cast<std::int64_t>(len + 1);
      ++line_;
      unterminated_ = false;
      if (len > 0 && start[len - 1] == '\r') --len;
      line = std::string_view(start, len);
      return true;
    }
    scanned = avail;
    if (!fill()) {
      if (pos_ >= size_) return false;
      // The last line has no newline.
      start = buf_.get() + pos_;
      std::size_t len = size_ - pos_;
      pos_ = size_;
      consumed_ += static_cast<std::int64_t>(len);
      ++line_;
      unterminated_ = true;
      if (len > 0 && start[len - 1] == '\r') --len;
      line = std::string_view(start, len);
      return true;
    }
  }
}

}  // namespace fl
