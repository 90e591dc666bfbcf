// ConfigCache: Lowe's cache of configurations already explored, keyed by
// (set of done ops, state). A set is stored compactly as "every op below lo"
// plus the words of the bitset from lo up to the highest done op, so a long
// history costs a few words per entry, not n bits. Exact: a hash match is
// confirmed word by word. Open addressing; not thread-safe (one per search).
#pragma once

#include <cstdint>
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
        s = Slot{hash, arena_.size(), state, lo, nwords};
        arena_.insert(arena_.end(), words, words + nwords);
        ++used_;
        return true;
      }
      if (s.hash == hash && s.state == state && s.lo == lo && s.nwords == nwords &&
          std::memcmp(&arena_[s.offset], words, nwords * sizeof(std::uint64_t)) == 0)
        return false;
    }
  }
  std::size_t size() const { return used_; }
  std::size_t bytes() const { return slots_.capacity() * sizeof(Slot) + arena_.capacity() * 8; }

 private:
  static constexpr std::uint32_t kEmpty = UINT32_MAX;
  struct Slot {
    std::uint64_t hash = 0;
    std::size_t offset = 0;
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
  std::vector<std::uint64_t> arena_;
  std::size_t used_ = 0;
};

}  // namespace fl
