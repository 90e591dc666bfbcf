// KillMajorityPauseRest: "kill and restart a majority" so that the restarted
// nodes must elect among themselves. start() SIGSTOPs every node outside a
// majority (the nodes the system names as primary — the leader — are always
// in the majority), SIGKILLs the majority and restarts it at once on its own
// data; the paused nodes stay frozen until stop() resumes them. Without the
// freeze, the one node that kept its state usually wins the first election
// after a crash of the others and hides whatever they forgot; with it, a
// design that loses state on restart (raft `no-persist`) shows it. Both
// faults are journaled before they act (the paused pids, so `faultline heal`
// resumes them). Needs the system's Db (kill and restart are its hooks).
#pragma once

#include <string>
#include <vector>

#include "nemesis/nemesis.h"

namespace fl {

class KillMajorityPauseRest : public Nemesis {
 public:
  std::string name() const override { return "kill-majority-pause-rest"; }
  NemesisEvent start(NemesisContext& ctx) override;
  NemesisEvent stop(NemesisContext& ctx) override;
  std::string unavailable(const Db* db) const override;

 private:
  std::vector<Host*> paused_;
  std::string journal_id_;
};

}  // namespace fl
