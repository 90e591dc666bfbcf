#include "history/line_reader.h"

#include <cstring>

namespace fl {

static constexpr std::size_t kLineBlock = 1 << 20;

bool LineReader::fill() {
  if (eof_) return false;
  // Keep the unread tail, then append a block after it.
  buf_.erase(0, pos_);
  pos_ = 0;
  // Through a scratch block: growing buf_ by a block would zero-fill it.
  if (!scratch_) scratch_.reset(new char[kLineBlock]);
  in_.read(scratch_.get(), kLineBlock);
  auto got = static_cast<std::size_t>(in_.gcount());
  buf_.append(scratch_.get(), got);
  if (got == 0) eof_ = true;
  return got > 0;
}

bool LineReader::next(std::string_view& line) {
  std::size_t scanned = 0;  // bytes after pos_ already known to hold no '\n'
  for (;;) {
    const char* start = buf_.data() + pos_;
    std::size_t avail = buf_.size() - pos_;
    const void* nl = avail > scanned ? std::memchr(start + scanned, '\n', avail - scanned) : nullptr;
    if (nl) {
      std::size_t len = static_cast<const char*>(nl) - start;
      pos_ += len + 1;
      ++line_;
      unterminated_ = false;
      if (len > 0 && start[len - 1] == '\r') --len;
      line = std::string_view(start, len);
      return true;
    }
    scanned = avail;
    if (!fill()) {
      if (pos_ >= buf_.size()) return false;
      // The last line has no newline.
      start = buf_.data() + pos_;
      std::size_t len = buf_.size() - pos_;
      pos_ = buf_.size();
      ++line_;
      unterminated_ = true;
      if (len > 0 && start[len - 1] == '\r') --len;
      line = std::string_view(start, len);
      return true;
    }
  }
}

}  // namespace fl
