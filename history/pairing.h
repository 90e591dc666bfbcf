// Pairing: matches each client invocation with its completion as the ops of
// a history arrive in file order, and refuses what DESIGN.md forbids — a
// completion with no invocation, a process that invokes again before its
// last invocation completed — with BadInput at the op's file:line. History's
// constructor and the streaming reader (op_stream.h) both use it, so their
// pairs and error sentences are the same. Pairs are numbered in invocation
// order (History::pairs()). Nemesis events are not paired.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "history/op.h"

namespace fl {

class Pairing {
 public:
  explicit Pairing(std::string source) : source_(std::move(source)) {}

  struct Match {
    std::int64_t pair = -1;    // the pair's number; -1 for a nemesis event
    std::int64_t invoke = -1;  // a completion's invocation position (-1 otherwise)
  };
  // The op at position `pos` (0-based, file order); throws BadInput.
  Match add(const Op& op, std::int64_t pos);
  std::int64_t pairs() const { return next_pair_; }

 private:
  struct Open {
    bool open;  // false once completed: the entry waits for the process's next invocation
    std::int64_t pair, invoke;
    std::string f;
    std::int64_t line;
  };
  struct Slot {
    bool used = false;
    std::int64_t process = 0;
    Open last{};
  };
  // The slot of `process`, or the free slot where it would go.
  Slot& find(std::int64_t process);
  Slot& insert(std::int64_t process);  // not there yet
  void erase(Slot& s);
  std::size_t home(std::int64_t process) const;

  std::string source_;
  // process -> its last invocation, in a table of open addressing (linear
  // probing, at most half full): a hash map's per-op bucket division and
  // node allocation were a tenth of a streamed read. A process's entry stays
  // while it may invoke again; one that ended in info is retired (Jepsen's
  // rule) and its entry dropped, so the table holds the live processes, not
  // every process a long run has had.
  std::vector<Slot> slots_;
  std::size_t used_ = 0;
  int bits_ = 0;
  std::int64_t next_pair_ = 0;
};

}  // namespace fl
