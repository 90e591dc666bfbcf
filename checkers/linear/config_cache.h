// ConfigCache: Lowe's cache of configurations already explored, keyed by
// (set of done ops, state). A set is stored compactly as "every op below lo"
// plus the words of the bitset from lo up to the highest done op, so a long
// history costs a few words per entry, not n bits. Exact: a hash match is
// confirmed word by word. Open addressing; the words live in fixed-size
// chunks, so only the table ever doubles (will_grow / growth_bytes let the
// caller check its memory bound first). Not thread-safe (one per search).
#pragma once

#include <cstdint>
#include <algorithm>
#include <cstring>
#include <vector>

namespace fl {

inline std::uint64_t mix64(std::uint64_t x) {  // splitmix64's finalizer
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

class ConfigCache {
 public:
  ConfigCache() : slots_(1024) {}
  // Adds the configuration; false when it was already there.
  bool insert(std::uint64_t hash, std::int64_t state, std::uint32_t lo, const std::uint64_t* words,
              std::uint32_t nwords) {
    if ((used_ + 1) * 2 > slots_.size()) grow();
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (s.nwords == kEmpty) {
        if (chunks_.empty() || chunks_.back().size() + nwords > chunks_.back().capacity()) {
          chunks_.emplace_back();
          chunks_.back().reserve(std::max<std::size_t>(kChunkWords, nwords));
          chunk_bytes_ += chunks_.back().capacity() * sizeof(std::uint64_t);
        }
        std::vector<std::uint64_t>& c = chunks_.back();
        s = Slot{hash, static_cast<std::uint32_t>(chunks_.size() - 1), static_cast<std::uint32_t>(c.size()),
                 state, lo, nwords};
        c.insert(c.end(), words, words + nwords);
        ++used_;
        return true;
      }
      if (s.hash == hash && s.state == state && s.lo == lo && s.nwords == nwords &&
          std::memcmp(&chunks_[s.chunk][s.offset], words, nwords * sizeof(std::uint64_t)) == 0)
        return false;
    }
  }
  std::size_t size() const { return used_; }
  std::size_t bytes() const { return slots_.capacity() * sizeof(Slot) + chunk_bytes_; }
  // Whether the next insert doubles the table, and the bytes that takes
  // (the old and the new table coexist while it is rehashed).
  bool will_grow() const { return (used_ + 1) * 2 > slots_.size(); }
  std::size_t growth_bytes() const { return will_grow() ? slots_.size() * 2 * sizeof(Slot) : 0; }

 private:
  static constexpr std::uint32_t kEmpty = UINT32_MAX;
  static constexpr std::size_t kChunkWords = std::size_t{1} << 16;  // 512 KB
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t chunk = 0, offset = 0;
    std::int64_t state = 0;
    std::uint32_t lo = 0;
    std::uint32_t nwords = kEmpty;
  };
  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    const std::size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.nwords == kEmpty) continue;
      std::size_t i = s.hash & mask;
      while (slots_[i].nwords != kEmpty) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }
  std::vector<Slot> slots_;
  std::vector<std::vector<std::uint64_t>> chunks_;
  std::size_t chunk_bytes_ = 0;
  std::size_t used_ = 0;
};

}  // namespace fl
