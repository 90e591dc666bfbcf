// The final reads of an eventually consistent workload (Maelstrom's broadcast
// and g-counter): on each node, the last ok read that began after every
// write of the history (its invocation and completion) and after the last
// nemesis event — so after the final heal, when the nodes have had their
// chance to converge. A read during the run may lag; only these are judged.
// FinalReads finds them fed op by op in file order (a run's online check, or
// a History replayed): memory is one read per node plus the reads still
// open. final_reads() is the same over a whole History. Pure.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>

#include "history/history.h"
#include "history/op_stream.h"

namespace fl {

class FinalReads {
 public:
  struct Read {
    std::int64_t pair = -1;    // its pair number (History::pairs())
    std::int64_t invoke = -1;  // its invocation's position
    std::int64_t index = -1;   // its completion's Op::index
    Json value;                // what it returned
  };

  explicit FinalReads(std::string write_f, std::string read_f = "read")
      : write_f_(std::move(write_f)), read_f_(std::move(read_f)) {}
  // The next op, in file order (nemesis events too).
  void feed(const OpRef& op);
  // Node name ("" when the history names none) → its final read so far; an
  // op still open has not returned, so it counts as not ok (as at the end).
  const std::map<std::string, Read>& reads() const { return finals_; }

 private:
  struct Open {
    std::int64_t invoke;
    std::string node;
  };
  std::string write_f_, read_f_;
  std::int64_t settled_ = -1;                     // position after which reads count as final
  std::unordered_map<std::int64_t, Open> open_;   // pair → a read invoked after settled_, not yet returned
  std::map<std::string, Read> finals_;
};

// Node name ("" when the history names none) → pair index of its final read.
std::map<std::string, std::int64_t> final_reads(const History& h, const std::string& write_f,
                                                const std::string& read_f = "read");

}  // namespace fl
