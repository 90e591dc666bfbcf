// Faketime: a node's clock offset through libfaketime, for systems that read
// the time through libc. Each node has one timestamp file; a daemon started
// with faketime_env() re-reads it on every clock call (FAKETIME_NO_CACHE=1),
// so writing a new offset moves that node's clock at once, without restart.
// Go binaries (etcd) read the clock directly and are not affected.
#pragma once

#include <string>

#include "cluster/host.h"

namespace fl {

// libfaketime's preload library on Debian.
constexpr const char* kLibfaketimePath = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";

// The directory of the clock files, /run/faultline/clock.
std::string clock_dir();
// The clock file of a node: /run/faultline/clock/fl-<name>.
std::string clock_file(const Host& host);
// LD_PRELOAD, FAKETIME_TIMESTAMP_FILE and FAKETIME_NO_CACHE for a daemon on
// host; creates the clock file (offset 0) if it does not exist yet.
Env faketime_env(const Host& host);
// Sets the node's offset from real time, in seconds (may be negative or
// fractional); 0 is the real clock. Atomic: readers see old or new.
void write_clock_offset(const Host& host, double seconds);
// The offset currently written for host (0 if none).
double read_clock_offset(const Host& host);

}  // namespace fl
