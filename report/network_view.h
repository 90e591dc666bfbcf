// The report's "Network" section, drawn from results.json's "network"
// object (harness/network_stats.h): messages and bytes per op (all,
// client-server, server-server), each node's counts, whether they are
// complete, and the ok ops' latency quantiles as a table and a small bar
// chart (inline SVG, so it needs no script). Plain HTML; every text escaped.
#pragma once

#include <ostream>

#include "history/op.h"

namespace fl {

// Writes nothing when `network` is not an object.
void write_network_section(std::ostream& out, const Json& network);

}  // namespace fl
