// Checker: a pure function History -> CheckResult. Checkers never mutate the
// history, never touch the network or the clock (a time budget is the only
// exception, and running out of it yields Unknown, never a guess). Every
// anomaly names the ops involved by their `index`.
// Thread-safety: check() is const and may run concurrently on distinct inputs.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "history/history.h"

namespace fl {

class OnlineCheck;

enum class Validity { Valid, Invalid, Unknown };
std::string_view to_string(Validity v);           // "valid" | "invalid" | "unknown"
Json validity_json(Validity v);                   // true | false | "unknown"
Validity worst(Validity a, Validity b);           // Invalid > Unknown > Valid

struct CheckOptions {
  std::string model;            // linearizability model name ("" = checker's default)
  std::optional<Json> init;     // initial state, when given (--init)
  double time_limit_s = 0;      // 0 = no limit
  std::size_t memory_limit_mb = 0;  // 0 = the checker's own bound (linearizable: a quarter of RAM)
  unsigned threads = 0;         // 0 = hardware concurrency
  // Settings of particular checkers, by name (e.g. the transactional
  // checkers' "consistency-models"); a checker ignores what it does not know.
  Json params = Json::object();
  // The history's name in the errors of an online form (BadInput,
  // file:line), which never sees a History to ask; check() names the
  // History's own source.
  std::string source = "history.jsonl";
  // For online forms (checkers/online.h): the history file the run is
  // writing, where every op already fed can be read back ("" = none). A
  // form may let go of what it decided and read it again if it must.
  std::string live_history;
};

struct CheckResult {
  Validity valid = Validity::Unknown;
  // The checker's entry of results.json: {"valid": …, "anomalies": [...], …}.
  // "valid" is filled in by the caller from `valid`.
  Json detail = Json::object();
  // A few human-readable lines for the terminal summary (may be multi-line,
  // e.g. a counterexample timeline).
  std::string summary;
};

class Checker {
 public:
  virtual ~Checker() = default;
  virtual std::string name() const = 0;
  virtual std::string description() const = 0;
  // Throws BadInput (with the op's file:line) when the history does not fit
  // what the checker understands (e.g. a cas on a mutex).
  virtual CheckResult check(const History& h, const CheckOptions& opts) const = 0;
  // Its online form (checkers/online.h), fed while a run records; null when
  // it has none, and then it judges the history once the run has ended.
  virtual std::unique_ptr<OnlineCheck> online(const CheckOptions& opts) const;
};

}  // namespace fl
