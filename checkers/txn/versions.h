// Version orders of registers, inferred as Elle's rw-register checker does
// (a register's writes are unique, but nothing orders them by itself):
//   - null, the initial state, precedes every value written or read;
//   - with wfr-keys, a txn's external read of a key precedes its own write
//     of that key (writes follow reads);
//   - with sequential-keys (process order) or linearizable-keys (real-time
//     order), the last value a txn saw or wrote of a key precedes the first
//     value each next txn to touch that key saw or wrote.
// Each source is added in that order; one that would make some key's order
// cyclic is left out and reported as cyclic-versions instead.
// "External" as in Adya: a txn's first read of a key before writing it, and
// its last write of it. Only ok txns' reads are known.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "checkers/txn/txns.h"

namespace fl::txn {

struct ExternalOps {
  // Per txn: its external reads and writes, as (key, value) pairs.
  std::vector<std::vector<std::pair<std::uint32_t, std::uint32_t>>> reads, writes;
  explicit ExternalOps(const Txns& txns);
  // The value txn t wrote / read externally for key k, or false.
  bool read_of(std::uint32_t t, std::uint32_t k, std::uint32_t& v) const;
  bool write_of(std::uint32_t t, std::uint32_t k, std::uint32_t& v) const;
};

struct CyclicVersions {
  std::uint32_t key;
  std::vector<std::uint32_t> values;   // one strongly connected set of versions
  std::vector<std::string> sources;    // what the order was inferred from
};

class VersionOrder {
 public:
  struct Options {
    bool wfr_keys = false, sequential_keys = false, linearizable_keys = false;
  };
  VersionOrder(const Txns& txns, const ExternalOps& ext, const Options& opts);

  // Direct version edges (k, v1, v2): v1 before v2 (not transitively closed).
  const std::vector<std::tuple<std::uint32_t, std::uint32_t, std::uint32_t>>& edges() const { return edges_; }
  bool precedes(std::uint32_t k, std::uint32_t v1, std::uint32_t v2) const;
  const std::vector<CyclicVersions>& cycles() const { return cycles_; }
  const std::vector<std::string>& sources() const { return sources_; }

 private:
  using Edge = std::tuple<std::uint32_t, std::uint32_t, std::uint32_t>;  // key, from, to
  void add_source(const std::string& name, std::vector<Edge> more);
  std::vector<Edge> from_txn_order(const Txns& txns, const ExternalOps& ext, bool realtime) const;

  std::vector<Edge> edges_;  // sorted, unique
  std::vector<CyclicVersions> cycles_;
  std::vector<std::string> sources_;
};

}  // namespace fl::txn
