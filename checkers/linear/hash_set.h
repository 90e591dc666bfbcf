// CompactHashSet: a set of 64-bit hashes in about 8 bytes each (a sorted
// vector, and a small hash set of the latest ones merged into it every
// kBatch inserts), for what a long run must remember of every key it let
// go of. Lookups are a binary search; erase is linear, for rare use. Not
// thread-safe.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <unordered_set>
#include <vector>

namespace fl {

class CompactHashSet {
 public:
  static constexpr std::size_t kBatch = 4096;

  void insert(std::uint64_t h) {
    if (contains(h)) return;
    recent_.insert(h);
    if (recent_.size() >= kBatch) merge();
  }
  bool contains(std::uint64_t h) const {
    return recent_.count(h) || std::binary_search(sorted_.begin(), sorted_.end(), h);
  }
  // True when `h` was there.
  bool erase(std::uint64_t h) {
    if (recent_.erase(h)) return true;
    auto it = std::lower_bound(sorted_.begin(), sorted_.end(), h);
    if (it == sorted_.end() || *it != h) return false;
    sorted_.erase(it);
    return true;
  }
  bool empty() const { return recent_.empty() && sorted_.empty(); }
  std::size_t size() const { return recent_.size() + sorted_.size(); }

 private:
  void merge() {
    const auto middle = static_cast<std::ptrdiff_t>(sorted_.size());
    sorted_.insert(sorted_.end(), recent_.begin(), recent_.end());
    std::sort(sorted_.begin() + middle, sorted_.end());
    std::inplace_merge(sorted_.begin(), sorted_.begin() + middle, sorted_.end());
    recent_.clear();
  }

  std::vector<std::uint64_t> sorted_;
  std::unordered_set<std::uint64_t> recent_;
};

}  // namespace fl
