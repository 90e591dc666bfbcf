// Workers: the client side of one run — --concurrency threads, each playing
// one logical process at a time against its node (worker w on node w mod n,
// for the whole run) and recording both ends of every op. Jepsen's rule:
// after an `info` the process is retired and the worker carries on as a
// fresh process id, with a fresh client to the same node. On Ctrl-C,
// abandon_after() gives in-flight ops a grace period and then records what
// is still running as `info` (what it is: it may or may not happen); a
// worker whose call returns later records nothing more.
// Thread-safety: start / abandon_after / join / run_final are called by the
// runner's thread only; errors() after join().
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cluster/host.h"
#include "harness/generator.h"
#include "harness/recorder.h"
#include "systems/system.h"

namespace fl {

struct WorkersOptions {
  int concurrency = 1;
  std::uint64_t seed = 0;
  std::string workload;      // the name the system's clients are made for
  ClientOptions client;
};

class Workers {
 public:
  // `hosts` empty for an in-process system; process p talks to hosts[p % n].
  Workers(System& system, std::vector<Host*> hosts, Recorder& recorder, WorkersOptions opts);
  ~Workers();  // joins
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;

  // Starts the threads; each takes ops from `generator` until it is over.
  void start(Generator& generator);
  // Waits up to grace_s for the workers to finish, then closes every op
  // still in flight as info and abandons it.
  void abandon_after(double grace_s);
  void join();
  // The final phase: each op by a fresh process (numbered after every
  // process the main phase used), one after the other.
  void run_final(const std::vector<OpSpec>& ops);
  // What went wrong in a worker (a client that threw outside an op, …).
  std::vector<std::string> errors() const;

 private:
  struct Slot;
  bool perform(Slot& slot, std::int64_t process, Client& client, const OpSpec& op, const std::string& node,
               Completion& c);
  void work(int w, Generator& generator);
  Host* node_for(std::int64_t n) const;  // node n mod the number of nodes
  bool all_done() const;

  System& system_;
  std::vector<Host*> hosts_;
  Recorder& recorder_;
  WorkersOptions opts_;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<std::thread> threads_;
  std::atomic<std::int64_t> max_process_;
  mutable std::mutex errors_mu_;
  std::vector<std::string> errors_;
};

}  // namespace fl
