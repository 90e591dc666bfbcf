// A counterexample drawn as text: one line per process, each op as
// |--label--| spanning its real-time interval (an op that never completed
// runs off to the right, ending in "?"). Columns follow the order of the
// events, not their clock times, so short ops stay readable.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fl {

struct TimelineOp {
  std::int64_t process = 0;
  std::int64_t call = 0;  // any monotone clock: history positions will do
  std::int64_t ret = -1;  // -1: never completed
  std::string label;
};

std::string render_timeline(const std::vector<TimelineOp>& ops);

}  // namespace fl
