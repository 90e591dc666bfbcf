// The netlink side of fl-shaper: binds an NFQUEUE queue, asks the Schedule
// what to do with each packet, holds it until its time and then gives the
// verdict (NF_ACCEPT, with the packet's bytes when a bit was flipped); a
// copy is sent again through a raw IPv4 socket carrying the copy mark, so
// the queueing rule lets it pass. Once a second it rewrites the stats file
// (one JSON object) and prints a counter line on stderr. It asks for a
// real-time priority (SCHED_FIFO) so releases stay on time on a busy machine. On SIGTERM or
// SIGINT it accepts everything still held, at once, and returns 0.
#pragma once

#include "shaper/options.h"

namespace fl::shaper {

// Thrown when the machine cannot host the shaper (no nfnetlink_queue, the
// queue bound by another program, no raw socket): fl-shaper exits 64.
class EnvironmentError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

int serve(const ShaperOptions& options);

}  // namespace fl::shaper
