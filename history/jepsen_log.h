// Jepsen's log lines, as in Porcupine's etcd data:
//   INFO  jepsen.util - 3	:invoke	:cas	[1 4]
// Only jepsen.util lines with a process number (or :nemesis) and :invoke,
// :ok, :fail or :info are ops; every other line is ignored. The value column
// is EDN (":timed-out" → "timed-out"). A bad value on an op line is BadInput
// at that line; a nemesis line whose value is not EDN keeps it as text.
#pragma once

#include <istream>
#include <string>
#include <string_view>

#include "history/history.h"

namespace fl {

History read_jepsen_log(std::istream& in, const std::string& source);

// True when the line has the shape of an op line (used to sniff the format).
bool is_jepsen_op_line(std::string_view line);

}  // namespace fl
