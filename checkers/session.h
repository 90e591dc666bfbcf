// Session guarantees (Terry et al., "Session guarantees for weakly consistent
// replicated data", 1994), checked per client process — the session — on two
// workloads: list-append (per key, `append` v and `read` → the whole list) and
// registers with unique written values (`write` v, `read` → v or null, with an
// optional `key`). Internal header of the checkers layer: session.cpp holds
// the Checker classes, list_append.cpp and session_registers.cpp the analyses.
// Both analyses are linear in the size of the history (plus its read lists).
#pragma once

#include "checkers/anomalies.h"

namespace fl {

enum SessionGuarantee : unsigned {
  kReadYourWrites = 1,
  kMonotonicReads = 2,
  kMonotonicWrites = 4,
  kWritesFollowReads = 8,
  kAllSessionGuarantees = 15,
};

// The anomaly kind of each guarantee: "read-your-writes", … (also the checker names).
const char* guarantee_name(unsigned g);

// List-append: the version order of a key is its longest read; every other
// ok read must be a prefix of it ("incompatible-read" otherwise). With
// `integrity`, also reports "duplicated-append" (a value twice in a list),
// "unexpected-value" (never appended, or only by a failed append) and
// "lost-append" (acknowledged and in no read, while a later append by the
// same process to that key is in one).
// Then each chosen guarantee is checked against that order, per process and key.
// Throws BadInput when two appends to one key carry the same value.
void check_list_append_sessions(const History& h, unsigned guarantees, bool integrity, AnomalyLog& log);

// Registers: the per-key version order is unknown, so each guarantee becomes
// "x is ordered no later than y" constraints between writes (and the initial
// value); a violation is a cycle through two distinct writes. Each chosen
// guarantee is checked alone, then (when several are chosen) all together,
// where a cycle is reported as "session-order-cycle" with the guarantees it
// needs. Throws BadInput when two writes to one key carry the same value.
void check_register_sessions(const History& h, unsigned guarantees, AnomalyLog& log);

}  // namespace fl
