// Shared plumbing of the checkers beyond linearizability (session, causal,
// set, counter, bank, total-queue, unique-ids): the anomaly log that every one
// of them fills, and the interning of JSON values into integers so their inner
// loops never touch JSON. An anomaly is {"kind", "ops": [op indexes],
// "explanation": one sentence}; ops are named by the `index` of their
// completion (where the observed value is), or of the invocation when the op
// never completed. The log keeps the first kMaxPerKind anomalies of each kind
// and counts them all, so a broken million-op run still gives a readable file.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "checkers/checker.h"

namespace fl {

class AnomalyLog {
 public:
  static constexpr std::size_t kMaxPerKind = 100;

  void add(const std::string& kind, std::vector<std::int64_t> ops, std::string explanation,
           Json extra = Json::object());
  bool empty() const { return total_ == 0; }
  std::size_t count(const std::string& kind) const;
  std::size_t total() const { return total_; }
  // Fills r.detail["anomalies"], r.detail["anomaly-counts"], sets r.valid to
  // Invalid when anything was logged (Valid otherwise) and appends one summary
  // line per kind.
  void write(CheckResult& r) const;

 private:
  Json kept_ = Json::array();
  std::map<std::string, std::size_t> counts_;
  std::size_t total_ = 0;
};

// The index users see for the op of a pair: the completion's, else the invocation's.
std::int64_t op_index(const History& h, const OpPair& p);
// The argument of an op (its invocation's value).
const Json& op_argument(const History& h, const OpPair& p);
// The result of a completed op (its completion's value); null when none.
const Json& op_result(const History& h, const OpPair& p);
// Throws BadInput naming the op's line when its f is none of `known`: a
// checker never skips an op it cannot interpret, since a history of the wrong
// shape would then pass vacuously. `checker` names it in the sentence.
void require_known_f(const History& h, const OpPair& p, const char* checker,
                     std::initializer_list<const char*> known);
// The same for an invocation met op by op (a checker's core fed in file
// order), `source` naming its file.
void require_known_f(const std::string& source, const Op& invocation, const char* checker,
                     std::initializer_list<const char*> known);
// Marks `r` unknown because the history holds nothing the checker judges (a
// checker never says valid about nothing): `why`, one sentence without a
// period, goes to detail["reason"] and to the summary.
void nothing_to_judge(CheckResult& r, const std::string& why);
// A short rendering of a value for explanations (truncated when long).
std::string show(const Json& v);
// How an explanation names a key: "key \"x\"", or "the register" for an unkeyed op.
std::string key_name(const Json& key);

// Dense integer ids for JSON values; integers and strings take a fast path.
class ValueIds {
 public:
  static constexpr std::uint32_t kNone = 0xffffffffu;
  std::uint32_t id(const Json& v);             // assigns a new id when unseen
  std::uint32_t find(const Json& v) const;     // kNone when unseen
  std::size_t size() const { return next_; }

 private:
  std::unordered_map<std::int64_t, std::uint32_t> ints_;
  std::unordered_map<std::string, std::uint32_t> others_;  // strings and the rest, by dump()
  std::uint32_t next_ = 0;
};

}  // namespace fl
