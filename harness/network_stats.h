// The "network" section of results.json: what the system's network carried
// per client op (for a system that counts it, Db::traffic — Maelstrom's
// fl-mrouter), as Maelstrom's net stats give it, and the latency quantiles of
// the history's ok client ops; and the gates a run may set on them
// (--max-msgs-per-op, --max-median-latency, --max-latency, as the Gossip
// Glomers challenges do), judged like one more checker, "network-gates".
// Pure functions of their inputs.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "checkers/checker.h"
#include "history/history.h"

namespace fl {

struct NetworkGates {
  double max_msgs_per_op = 0;        // server-to-server messages per op; 0 = no gate
  double max_median_latency_ms = 0;  // p50 of the ok ops' latency; 0 = no gate
  double max_latency_ms = 0;         // the slowest ok op; 0 = no gate
  bool any() const { return max_msgs_per_op > 0 || max_median_latency_ms > 0 || max_latency_ms > 0; }
};

// Latencies counted per microsecond, the figures' precision: memory grows
// with the distinct latencies, not with the ops, and the quantiles are
// exactly the rounded quantiles of the latencies themselves.
class LatencyTally {
 public:
  void add(std::int64_t ns);
  // {"ops": N, "p50", "p95", "p99", "max"} in milliseconds (nearest rank); {"ops": 0} when empty.
  Json quantiles() const;

 private:
  std::map<std::int64_t, std::int64_t> by_us_;  // latency in µs → how many ops
  std::int64_t ops_ = 0;
};

// The quantiles over the ok client ops with both times.
Json latency_quantiles(const History& h);

// What the network section needs of a history, streamed from its JSON Lines
// file (history/op_stream.h) so that it never has to be in memory: the
// client ops invoked and the ok ops' latencies. Throws BadInput as the reader does.
struct OpFigures {
  std::int64_t ops = 0;
  LatencyTally latency;
};
OpFigures stream_op_figures(const std::string& path);

// The network section. `traffic` is Db::traffic()'s answer (null when the
// system does not count): then only "ops", "counted": false and
// "latency-ms". Otherwise also "complete" (and "reason" when not), "nodes",
// "total" (by direction), and "all", "client-server", "server-server", each
// {"msgs", "bytes", "msgs-per-op", "bytes-per-op"}: client-server counts the
// requests the routers received from clients and the answers they sent back,
// server-server the messages nodes sent each other (whether or not they
// arrived); "server-service" counts the nodes' requests to Maelstrom's
// services and the answers, and is in no other figure. The denominator "ops" is every client op invoked in the history
// (ok, fail or info alike, final reads included), as Maelstrom divides by
// every invoked client op.
Json network_section(const Json& traffic, const History& h);
// The same from the figures alone: `ops` client ops invoked, `latency` as latency_quantiles gives it.
Json network_section(const Json& traffic, std::int64_t ops, const Json& latency);

// The gates, judged on a network section: valid when each gate set holds;
// invalid when one is missed, naming it and the figure; unknown when a figure
// cannot be vouched for (counts incomplete yet under the gate, no ok op, a
// system that does not count its messages).
CheckResult check_gates(const NetworkGates& gates, const Json& network);

// One line for the terminal ("  network: …"), or "" when there is nothing to say.
std::string network_line(const Json& network);

}  // namespace fl
