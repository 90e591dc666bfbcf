// What one node's fl-mrouter carried, read from the counts file it appends
// to (fl-mrouter --counters): one JSON line per write, each an incarnation's
// counts so far, "final" on the line written when that incarnation stopped
// cleanly. Each incarnation's last line counts; an incarnation with no final
// line was killed and lost what it carried after its last line (at most a
// second), so the node's counts are then a lower bound ("complete": false).
#pragma once

#include <string>

#include "history/op.h"

namespace fl {

// The directions fl-mrouter counts, in the order it names them.
// The last two are a node's traffic with Maelstrom's services (fl-mservice);
// a router that predates them counts none.
inline constexpr const char* kRouterDirections[] = {"client-to-node",        "node-to-client",  "node-to-node-sent",
                                                    "node-to-node-received", "node-to-service", "service-to-node"};

// {"client-to-node": {"msgs", "bytes"}, …, "incarnations": N, "complete":
// bool, "reason": "…" (only when incomplete)}. Lines that are not such JSON
// (a write cut short) are skipped, and make the counts incomplete.
Json router_counts(const std::string& jsonl);

}  // namespace fl
