// ProcessNemesis: crashes (SIGKILL, restarted on stop) or freezes (SIGSTOP,
// SIGCONT on stop) a system's daemons on one node, a random node, a
// minority, a majority or all — through the Db's own hooks. Without a Db
// (by hand, `faultline nemesis kill`), it acts on every process in the
// node's namespace, and a kill cannot be restarted. Both are journaled
// before they act: paused pids so `faultline heal` resumes them, killed
// nodes so a cleanup after a crash says which daemons are gone.
// Options: {"target": "one|random|minority|majority|all|n2|primaries"}; "primaries"
// are the nodes the Db names (Db::primaries), Jepsen's :primaries.
#pragma once

#include <string>

#include "nemesis/nemesis.h"

namespace fl {

class ProcessNemesis : public Nemesis {
 public:
  enum class Action { kKill, kPause };
  ProcessNemesis(Action action, nlohmann::json options);
  std::string name() const override { return action_ == Action::kKill ? "kill" : "pause"; }
  NemesisEvent start(NemesisContext& ctx) override;
  NemesisEvent stop(NemesisContext& ctx) override;

 private:
  Action action_;
  std::string target_;
  std::vector<Host*> targets_;
  std::string journal_id_;
};

// Every pid of the daemons on `host`: the Db's, or the namespace's processes.
std::vector<int> daemon_pids(Host& host, Db* db);

}  // namespace fl
