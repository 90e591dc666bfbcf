// What the transactional checkers share around their analysis: the options
// (CheckOptions::params: "consistency-models", "anomalies",
// "sequential-keys", "linearizable-keys", "wfr-keys"; CheckOptions::init:
// the initial state, known only when given), the anomalies found
// by type, the rendering of a cycle with every step explained, and the
// verdict as Elle forms it: invalid when an anomaly the expected models
// forbid is present; unknown when only "empty-transaction-graph" (nothing
// could be inferred) or "cycle-search-timeout" (the budget ran out) is;
// valid otherwise; plus the models ruled out ("not", "also-not").
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "checkers/anomalies.h"
#include "checkers/txn/consistency.h"
#include "checkers/txn/cycles.h"
#include "checkers/txn/txns.h"

namespace fl::txn {

struct TxnOptions {
  Names consistency_models{"strict-serializable"};
  Names anomalies;             // more anomalies to forbid
  bool sequential_keys = false;
  bool linearizable_keys = false;
  bool wfr_keys = false;
  // Every key starts absent (nil, the empty list) and this is known: the
  // history came from a run that started empty (`faultline test`), or
  // `check --init '{}'` said so. Unknown, a read of a value nobody wrote may
  // be the initial state, as Elle assumes.
  bool initial_state_known = false;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();

  // Throws std::invalid_argument (a usage error) for an unknown model,
  // anomaly or option.
  static TxnOptions from(const CheckOptions& opts);
  // Anomalies that make the history invalid.
  Names prohibited() const;
  // The order Elle adds for these models: real time when a forbidden
  // anomaly needs it, else process order when one needs that, else none.
  Rels extra_order() const;
};

// Explains one step a → b of a cycle, for the reason `rel`, in a sentence.
using StepExplainer = std::function<std::string(std::uint32_t a, std::uint32_t b, Rels rel)>;

class Findings {
 public:
  void add(const std::string& type, std::vector<std::int64_t> ops, std::string explanation,
           Json extra = Json::object());
  bool has(const std::string& type) const { return types_.count(type) > 0; }
  // Records the cycles, the cycle-exists components and a timeout.
  void add_cycles(const Txns& txns, const CycleReport& report, const StepExplainer& explain);
  CheckResult result(const TxnOptions& opts, const std::string& checker) const;

 private:
  std::map<std::string, std::vector<Json>> by_type_;
  std::map<std::string, std::size_t> types_;  // type -> count
};

// The sentence for a real-time or process step, which both checkers share.
std::string order_step(const Txns& txns, std::uint32_t a, std::uint32_t b, Rels rel);

}  // namespace fl::txn
