// NodeClock: how a clock fault moves one node's clock. On a local namespace
// node the kernel clock is shared with the whole machine, so the offset goes
// through libfaketime's per-node timestamp file (cluster/faketime.h) and only
// daemons started with faketime_env() see it. An SSH host with --real-clocks
// has its real clock set (`date -s`; stop NTP there first), never when it
// turns out to be this machine. The clock nemesis only talks to this interface.
#pragma once

#include <memory>
#include <string>

#include "cluster/host.h"

namespace fl {

class NodeClock {
 public:
  virtual ~NodeClock() = default;
  // Sets the node's offset from true time, in seconds; 0 restores it.
  virtual void set_offset(Host& host, double seconds) = 0;
  virtual double offset(Host& host) = 0;
  // One phrase for reports: how the offset reaches the node's processes.
  virtual std::string mechanism() const = 0;
};

// The clock control for `host`: libfaketime for namespace nodes, the real
// clock for SSH hosts with real_clocks. Throws ClusterError otherwise.
std::unique_ptr<NodeClock> clock_for(Host& host);

}  // namespace fl
