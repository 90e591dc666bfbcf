// FlatMap: an open-addressing hash map from 64-bit keys to small values, for
// the transactional checkers' hot loops ((key, value) pairs packed in 64
// bits). Linear probing in one array, no per-entry allocation; the key
// ~0 is reserved. Not thread-safe.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace fl::txn {

// (key id, value id) as one FlatMap key.
inline std::uint64_t pack_key_value(std::uint32_t k, std::uint32_t v) { return (std::uint64_t{k} << 32) | v; }

template <class V>
class FlatMap {
 public:
  static constexpr std::uint64_t kEmpty = ~std::uint64_t{0};

  explicit FlatMap(std::size_t expected = 16) { rehash(capacity_for(expected)); }

  // The value for key, inserting `init` if absent; second: whether inserted.
  std::pair<V*, bool> try_emplace(std::uint64_t key, const V& init) {
    if ((size_ + 1) * 4 > slots_.size() * 3) rehash(slots_.size() * 2);
    std::size_t i = slot(key);
    while (slots_[i].first != kEmpty) {
      if (slots_[i].first == key) return {&slots_[i].second, false};
      i = (i + 1) & mask_;
    }
    slots_[i] = {key, init};
    ++size_;
    return {&slots_[i].second, true};
  }
  V* find(std::uint64_t key) {
    std::size_t i = slot(key);
    while (slots_[i].first != kEmpty) {
      if (slots_[i].first == key) return &slots_[i].second;
      i = (i + 1) & mask_;
    }
    return nullptr;
  }
  const V* find(std::uint64_t key) const { return const_cast<FlatMap*>(this)->find(key); }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

 private:
  static std::size_t capacity_for(std::size_t n) {
    std::size_t c = 16;
    while (c * 3 < n * 4) c *= 2;
    return c;
  }
  std::size_t slot(std::uint64_t key) const {
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdULL;
    key ^= key >> 33;
    return static_cast<std::size_t>(key) & mask_;
  }
  void rehash(std::size_t capacity) {
    std::vector<std::pair<std::uint64_t, V>> old(capacity, {kEmpty, V{}});
    old.swap(slots_);
    mask_ = capacity - 1;
    size_ = 0;
    for (const auto& [k, v] : old)
      if (k != kEmpty) try_emplace(k, v);
  }

  std::vector<std::pair<std::uint64_t, V>> slots_;
  std::size_t mask_ = 0, size_ = 0;
};

}  // namespace fl::txn
