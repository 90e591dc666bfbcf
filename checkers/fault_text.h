// How an explanation names a fault the nemesis started: its event's f, the
// nodes its value names, its op index and time —
// "start-lose-unfsynced on n1 (op 8631, at 4.352 s)". Checkers that tie an
// anomaly to the fault that could have caused it (a lost add, a lost append)
// say it the same way. Pure.
#pragma once

#include <string>

#include "history/op.h"

namespace fl {

// True for an event that starts a fault (its f begins with "start").
bool starts_fault(const Op& event);

// `value`: the event's value (an OpRef may hold it apart from the op).
std::string fault_text(const Op& event, const Json& value);

}  // namespace fl
