// Maelstrom's error codes and what each means for an op (Jepsen's rule: fail
// only when the op certainly had no effect). A definite error — 1 node not
// found, 10 not supported, 11 temporarily unavailable, 12 malformed request,
// 14 abort, 20 key does not exist, 21 key already exists, 22 precondition
// failed, 30 txn conflict — is a fail; an indefinite one — 0 timeout, 13
// crash, and any code Maelstrom does not define — is info. Pure functions.
#pragma once

#include <string>

#include "workloads/workload.h"

namespace fl {

// Maelstrom's name for a code ("key-does-not-exist"), or "error <code>" for one it does not define.
std::string maelstrom_error_name(long code);
bool maelstrom_error_definite(long code);
// The completion an error body {"type":"error","code":…,"text":…} means.
Completion maelstrom_error_completion(const Json& body);

}  // namespace fl
