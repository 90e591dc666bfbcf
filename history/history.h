// History: the ops of one test in real-time order, plus the pairing of every
// invocation with its completion. Construction validates the pairing and
// throws BadInput (file:line) for a completion with no invocation or a process
// that invokes again before completing. An invocation whose completion never
// appears is paired with nothing and must be treated as `info`.
// A History is immutable once built; checkers only read it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "history/op.h"

namespace fl {

struct OpPair {
  std::int64_t invoke = -1;      // position of the invocation in ops()
  std::int64_t complete = -1;    // position of the completion, -1 if none
};

class History {
 public:
  History() = default;
  // Takes the ops in file order; assigns index = position where the source
  // gave none (or keeps the source's); validates pairing. `source` is the
  // file name used in error messages.
  History(std::vector<Op> ops, std::string source);

  const std::vector<Op>& ops() const { return ops_; }
  const std::string& source() const { return source_; }
  std::size_t size() const { return ops_.size(); }
  const Op& operator[](std::size_t i) const { return ops_[i]; }

  // Client invocations with their completions, in invocation order. Nemesis
  // events are not paired (they are facts, not operations).
  const std::vector<OpPair>& pairs() const { return pairs_; }
  // For op position i: position of its partner (completion of an invoke or
  // invoke of a completion), -1 if none or if i is a nemesis event.
  std::int64_t partner(std::size_t i) const { return partner_[i]; }

  // The effective outcome of the pair: its completion's type, or Info when
  // the invocation never completed.
  OpType outcome(const OpPair& p) const {
    return p.complete < 0 ? OpType::Info : ops_[p.complete].type;
  }

 private:
  std::vector<Op> ops_;
  std::string source_;
  std::vector<OpPair> pairs_;
  std::vector<std::int64_t> partner_;
};

}  // namespace fl
