// The opcodes the fifo-queue and set models give their ops (ModelOp::f), for
// the checks that read a Partition of those models directly (the unique-value
// decisions of checkers/linear/). The models' encode() is the only writer.
#pragma once

#include <cstdint>

namespace fl {

namespace fifo_ops {
enum : std::int32_t { kEnqueue = 0, kDequeue = 1, kDequeueUnknown = 2 };
}  // namespace fifo_ops

namespace set_ops {
enum : std::int32_t { kAdd = 0, kRead = 1 };
}  // namespace set_ops

}  // namespace fl
