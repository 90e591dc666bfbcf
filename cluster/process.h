// Process: the one place in faultline that forks. run_process() runs an argv
// to completion with a timeout (SIGKILL when it expires), feeding stdin and
// capturing stdout/stderr without deadlock (poll); spawn_daemon() starts a
// long-running program in its own session with output appended to a log.
// Every child is reaped: run_process() waits for its own; reap() collects
// daemons that died. Thread-safe: no shared state besides the kernel's.
#pragma once

#include <chrono>
#include <string>

#include "cluster/host.h"

namespace fl {

// Runs argv (argv[0] looked up in PATH) and waits for it. Never throws for a
// failing program; throws ClusterError only if it cannot be started at all.
RunResult run_process(const Argv& argv, const RunOptions& opts = {});

// Starts argv in a new session (setsid), stdin from /dev/null, stdout and
// stderr appended to log_path (created if missing). Returns the pid.
int spawn_daemon(const Argv& argv, const std::string& log_path, const Env& env = {},
                 const std::string& cwd = "");

// Where run_process() would find argv[0] = `program`: the path itself if it
// holds a '/', else the first executable of that name on PATH; "" if none.
std::string find_program(const std::string& program);

// The last line of a program's output, trailing newlines and spaces dropped:
// the one line an error message quotes.
std::string last_output_line(const std::string& text);

// True if pid exists and is not a zombie; reaps it if it was our child and died.
bool process_alive(int pid);
// Sends sig; a missing process is not an error.
void signal_process(int pid, int sig);
// SIGTERM, then SIGKILL after grace; returns once the process is gone (reaped
// if it was our child).
void stop_process(int pid, std::chrono::milliseconds grace);

}  // namespace fl
