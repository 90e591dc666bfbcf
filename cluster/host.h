// Host: the one way to run a program on a node (DESIGN.md's Remote::run).
// Everything is an argv vector — never a shell string built from input.
// Implementations: NamespaceHost (a local network namespace, `ip netns exec
// fl-nX …`) and SshHost (another machine, over the OpenSSH client).
// Thread-safety: every method may be called from several threads at once.
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace fl {

using Argv = std::vector<std::string>;
using Env = std::vector<std::pair<std::string, std::string>>;

// The one error type of the cluster layer: a sentence the user can act on.
class ClusterError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The machine is not fit for what was asked — a missing program or kernel
// module, a subnet in use, a cluster that is another run's — so nothing was
// started, and the sentence names the fix. The command line exits 64 for it
// (70 stays for faultline's own failures).
class EnvironmentError : public ClusterError {
 public:
  using ClusterError::ClusterError;
};

// A ClusterError caused by the user's settings rather than the environment —
// a wrong SSH key or user, an unknown host name — so the command line exits
// 64 (usage), not 70.
class SettingsError : public ClusterError {
 public:
  using ClusterError::ClusterError;
};

// The system under test failed on its own — its server exited during
// startup or never answered its health check — so the run could not begin.
// Not faultline's failure: the command line exits 64 (as for the
// environment) with the sentence, which names the server's log.
class SystemFailure : public ClusterError {
 public:
  using ClusterError::ClusterError;
};

struct RunOptions {
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
  std::string input;   // written to the program's stdin, then closed
  Env env;             // added to the environment
};

struct RunResult {
  int exit_code = -1;      // -1 if killed by a signal or timed out
  bool timed_out = false;
  std::string out;
  std::string err;
  bool ok() const { return exit_code == 0 && !timed_out; }
};

// A long-running program started on a host, with its output in a log file.
struct DaemonSpec {
  std::string name;        // short name, e.g. "etcd"
  Argv argv;
  std::string log_path;    // stdout+stderr appended here (on the host)
  Env env;
  std::string cwd;         // "" = inherit
};

class Host {
 public:
  virtual ~Host() = default;
  virtual const std::string& name() const = 0;     // "n1"
  virtual const std::string& address() const = 0;  // address the harness reaches it at
  // The network interface that carries address() (packet faults go there).
  virtual std::string interface() { return "eth0"; }
  // True for a machine of its own (SshHost): it keeps its own journal
  // (host_journal.h) and has its own kernel clock.
  virtual bool remote() const { return false; }

  // Runs argv to completion (or until the timeout, then SIGKILL).
  virtual RunResult run(const Argv& argv, const RunOptions& opts = {}) = 0;
  // Like run(), but throws ClusterError with the program's stderr on failure.
  RunResult run_checked(const Argv& argv, const RunOptions& opts = {});

  // Starts a supervised daemon; returns its pid (as seen by the harness).
  virtual int spawn(const DaemonSpec& spec) = 0;
  virtual bool alive(int pid) = 0;
  // SIGTERM, then SIGKILL after `grace`; waits until the process is gone.
  virtual void stop(int pid, std::chrono::milliseconds grace = std::chrono::seconds(5)) = 0;
  virtual void signal(int pid, int sig) = 0;
  void kill(int pid);  // SIGKILL
  // Waits until every thread of `pids` has stopped (or is gone), for at most
  // two seconds: kill(2) returns before a multi-threaded process has stopped
  // (one thread takes the SIGSTOP and then stops the others; until it is
  // scheduled, milliseconds on a loaded machine, they keep serving).
  void await_stopped(const std::vector<int>& pids);

  // File transfer between the harness and the host.
  virtual void upload(const std::string& local_path, const std::string& host_path) = 0;
  virtual void download(const std::string& host_path, const std::string& local_path) = 0;
};

}  // namespace fl
