// DaemonTable: the one daemon a Db runs on each node — its pid, recorded
// when it is spawned — and the process hooks every such Db shares: kill
// (SIGKILL), pause (SIGSTOP), resume (SIGCONT), and stop (SIGCONT, so a
// paused daemon can take the signal that asks it to end — SIGTERM unless the
// daemon wants another, e.g. PostgreSQL's SIGINT fast shutdown — then SIGKILL
// after a grace).
// With `whole_tree`, kill, pause, resume and stop's SIGCONT reach every
// process the daemon started, found through the host's process table (`ps`):
// a server that forks its workers into groups of their own (PostgreSQL's
// backends each call setsid) is then killed or paused whole, as a crash or a
// stalled machine would, rather than its parent alone. The parent is stopped
// first, so it forks no one while its children are being signalled.
// pause returns once every thread it stopped is stopped (a process's threads
// stop a moment after kill(2) returns), so a request sent after it is never
// served before resume.
// Everything goes through the Host. Thread-safe.
#pragma once

#include <chrono>
#include <csignal>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "cluster/host.h"

namespace fl {

class DaemonTable {
 public:
  explicit DaemonTable(bool whole_tree = false) : whole_tree_(whole_tree) {}
  int spawn(Host& host, const DaemonSpec& spec);
  std::vector<int> pids(Host& host);  // the daemon's pid if it is alive, else none
  void kill(Host& host);
  void pause(Host& host);
  void resume(Host& host);
  // Forgets the daemon and ends it; never throws.
  void stop(Host& host, std::chrono::milliseconds grace, int end_signal = SIGTERM) noexcept;

 private:
  void send(Host& host, int pid, int sig);
  bool whole_tree_;
  std::mutex mu_;
  std::map<std::string, int> pids_;  // node name -> pid
};

}  // namespace fl
