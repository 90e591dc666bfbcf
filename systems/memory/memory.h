// MemorySystem: an in-process "database" — a mutex-guarded map of registers —
// so the harness and the checkers can be exercised in seconds without root or
// a cluster, and the harness's own overhead measured. Options (JSON):
// {"bug": "stale-read"} makes one read in four return one of the key's last
// 64 values, as a lagging replica would (a deliberate linearizability
// violation); {"latency_us": N} sleeps N µs per
// op outside the lock, standing in for a network round trip;
// {"lost_replies": p} applies an op but answers info with probability p.
// Thread-safety: clients may be used from many threads at once.
#pragma once

#include <memory>

#include "systems/system.h"

namespace fl {

// Throws std::invalid_argument naming the known bugs if `options` is bad.
std::unique_ptr<System> make_memory_system(const nlohmann::json& options);

}  // namespace fl
