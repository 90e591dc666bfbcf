#include "workloads/txn_ops.h"

#include <cmath>
#include <stdexcept>

namespace fl {

TxnOps::TxnOps(const Json& params, std::string write_f) : write_f_(std::move(write_f)) {
  if (params.is_object()) {
    key_count_ = params.value("key-count", key_count_);
    min_len_ = params.value("min-txn-length", min_len_);
    max_len_ = params.value("max-txn-length", max_len_);
    max_writes_ = params.value("max-writes-per-key", max_writes_);
    std::string pattern = params.value("pattern", std::string("random"));
    if (pattern != "random" && pattern != "write-skew")
      throw std::invalid_argument("pattern must be random or write-skew, not " + pattern);
    write_skew_ = pattern == "write-skew";
  }
  if (key_count_ < (write_skew_ ? 2 : 1) || min_len_ < 1 || max_len_ < min_len_ || max_writes_ < 1)
    throw std::invalid_argument(
        "a txn workload needs key-count >= 1 (2 for write-skew), 1 <= min-txn-length <= max-txn-length and "
        "max-writes-per-key >= 1");
  for (int i = 0; i < key_count_; ++i) {
    active_.push_back(next_key_++);
    written_.push_back(0);
    counted_.push_back(0);
  }
}

std::size_t TxnOps::pick(std::mt19937_64& rng) const {
  // Exponential skew: slot i with weight 2^-i (the first keys are hot).
  std::uniform_real_distribution<double> u(0.0, 1.0);
  double x = u(rng) * (1.0 - std::ldexp(1.0, -key_count_));
  std::size_t i = 0;
  double edge = 0.5;
  while (i + 1 < active_.size() && x >= 1.0 - edge) {
    ++i;
    edge /= 2;
  }
  return i;
}

Json TxnOps::write(std::size_t slot) {
  if (counted_[slot] >= max_writes_) {
    active_[slot] = next_key_++;
    written_[slot] = 0;
    counted_[slot] = 0;
  }
  ++counted_[slot];
  return Json::array({write_f_, active_[slot], ++written_[slot]});
}

void TxnOps::completed(const OpSpec& op, const Completion& c) {
  if (c.type != OpType::Fail || !op.value.is_array()) return;
  std::lock_guard<std::mutex> lock(mu_);
  for (const Json& m : op.value) {
    if (!m.is_array() || m.size() != 3 || m[0] != write_f_ || !m[1].is_number_integer()) continue;
    for (std::size_t slot = 0; slot < active_.size(); ++slot)
      if (active_[slot] == m[1].get<std::int64_t>() && counted_[slot] > 0) --counted_[slot];
  }
}

OpSpec TxnOps::next(std::mt19937_64& rng) {
  Json txn = Json::array();
  std::lock_guard<std::mutex> lock(mu_);
  if (write_skew_) {
    std::size_t a = pick(rng), b = pick(rng);
    while (b == a) b = (b + 1) % active_.size();
    txn.push_back(Json::array({"r", active_[a], nullptr}));
    txn.push_back(Json::array({"r", active_[b], nullptr}));
    std::size_t w = std::bernoulli_distribution(0.5)(rng) ? a : b;
    txn.push_back(write(w));
    // The reads must name the key the write went to even if it rotated.
    if (txn[2][1] != txn[0][1] && txn[2][1] != txn[1][1]) txn[w == a ? 0 : 1][1] = txn[2][1];
    return OpSpec{"txn", txn, std::nullopt};
  }
  int len = std::uniform_int_distribution<int>(min_len_, max_len_)(rng);
  for (int i = 0; i < len; ++i) {
    std::size_t slot = pick(rng);
    if (std::bernoulli_distribution(0.5)(rng)) txn.push_back(Json::array({"r", active_[slot], nullptr}));
    else txn.push_back(write(slot));
  }
  return OpSpec{"txn", txn, std::nullopt};
}

Json txn_check_params(const Json& params) {
  Json out = Json::object();
  if (!params.is_object()) return out;
  for (const char* k : {"consistency-models", "anomalies", "sequential-keys", "linearizable-keys", "wfr-keys"})
    if (params.contains(k)) out[k] = params[k];
  return out;
}

}  // namespace fl
