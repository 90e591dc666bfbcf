// TxnOps: the transactions of the list-append and rw-register workloads, as
// Elle's generator makes them: 1–4 micro-ops (reads and appends / writes) on
// a small pool of active keys chosen with an exponential skew (key i is half
// as likely as key i−1), each key retired for a fresh one after
// max-writes-per-key writes that may have taken effect, so reads stay short;
// a write whose transaction failed does not count (completed()), so an
// outage in which every attempt fails fast leaves the keys where they were,
// and the reads after it still meet the writes before it. Written values
// are unique per key (a failed write's value is never reused). The "write-skew" pattern instead reads two keys and appends to
// one of them — the shape snapshot isolation lets through.
// Params: key-count (5), min-txn-length (1), max-txn-length (4),
// max-writes-per-key (32), pattern ("random" | "write-skew").
// Thread-safe: next() may be called by every worker at once.
#pragma once

#include <cstdint>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "workloads/workload.h"

namespace fl {

class TxnOps {
 public:
  // write_f: "append" or "w". Throws std::invalid_argument on bad params.
  TxnOps(const Json& params, std::string write_f);
  OpSpec next(std::mt19937_64& rng);
  // The outcome of a transaction next() made: a failed one gives its writes
  // back to their keys' counts.
  void completed(const OpSpec& op, const Completion& c);

 private:
  std::size_t pick(std::mt19937_64& rng) const;
  Json write(std::size_t slot);  // needs mu_

  std::string write_f_;
  int key_count_ = 5, min_len_ = 1, max_len_ = 4, max_writes_ = 32;
  bool write_skew_ = false;
  std::mutex mu_;
  std::vector<std::int64_t> active_;      // key of each slot
  std::vector<std::int64_t> written_;     // writes so far to each slot's key (the last value written)
  std::vector<std::int64_t> counted_;     // of those, the ones not known to have failed
  std::int64_t next_key_ = 0;
};

// The check params ("consistency-models", …) a txn workload passes on.
Json txn_check_params(const Json& workload_params);

}  // namespace fl
