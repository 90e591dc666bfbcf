// The final reads of an eventually consistent workload (Maelstrom's broadcast
// and g-counter): on each node, the last ok read that began after every
// write of the history (its invocation and completion) and after the last
// nemesis event — so after the final heal, when the nodes have had their
// chance to converge. A read during the run may lag; only these are judged.
// Pure.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "history/history.h"

namespace fl {

// Node name ("" when the history names none) → pair index of its final read.
std::map<std::string, std::int64_t> final_reads(const History& h, const std::string& write_f,
                                                const std::string& read_f = "read");

}  // namespace fl
