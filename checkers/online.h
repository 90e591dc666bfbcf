// OnlineCheck: a checker's form that is fed a history op by op while the
// run records it, decides what can no longer change as soon as it cannot,
// reports an anomaly the moment it is decided, and lets go of what it
// decided. Its final verdict must be the one its checker gives offline for
// the same history (`faultline check`): the run compares the two and calls
// a disagreement a problem of the run.
// A checker offers one through Checker::online(); most have none yet.
// Not thread-safe: one thread feeds it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "checkers/checker.h"
#include "history/op_stream.h"

namespace fl {

class OnlineCheck {
 public:
  virtual ~OnlineCheck() = default;
  // The next op, in file order, with its position and pair number as
  // stream_history gives them (nemesis events have pair -1).
  virtual void feed(const OpRef& op) = 0;
  // Anomalies decided since the last call, one sentence each.
  virtual std::vector<std::string> take_anomalies() = 0;
  // After the last op (the history had `op_count` ops): the verdict.
  virtual CheckResult finish(std::int64_t op_count) = 0;
};

// Hands every op of `h` to `each` in file order, with its position and pair
// number as stream_history and a run give them: how a checker whose offline
// check and online form share one core feeds that core a whole History.
void replay(const History& h, const std::function<void(const OpRef&)>& each);

}  // namespace fl
