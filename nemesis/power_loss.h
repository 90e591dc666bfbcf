// PowerLossNemesis: lose-unfsynced and torn-write — a power cut of one node
// (or "target" as kill's: random, minority, majority, all, n2, primaries).
// start() SIGKILLs the node's daemon through the Db, waits until it is gone,
// then has fl-diskfs forget everything its data directory holds that no
// fsync made durable (`lose`; torn-write: `lose torn KEEP`, the newest write
// keeping its first KEEP bytes cut at a sector boundary). The node stays
// down, like a killed one, until stop() — the power back — restarts its
// daemon on what is left. Journaled as "killed" before it acts. The start's
// value names each node and fl-diskfs's answer (writes and directory
// entries undone).
// Options: {"target": "one|…", "keep": bytes (torn-write, default 4096),
// "writeback": seconds — the mount then makes everything pending durable that
// often, as a kernel's writeback would (default: never, only an fsync does)}.
#pragma once

#include <string>
#include <vector>

#include "nemesis/nemesis.h"

namespace fl {

class PowerLossNemesis : public Nemesis {
 public:
  PowerLossNemesis(std::string name, nlohmann::json options);
  std::string name() const override { return name_; }
  NemesisEvent start(NemesisContext& ctx) override;
  NemesisEvent stop(NemesisContext& ctx) override;
  std::string unavailable(const Db* db) const override;
  bool needs_data_mount() const override { return true; }
  long data_mount_writeback_ms() const override { return writeback_ms_; }

 private:
  std::string name_;
  std::string target_;
  long writeback_ms_ = 0;
  long long keep_ = -1;  // torn-write: bytes of the newest write kept; -1: a plain loss
  std::vector<Host*> targets_;
  std::string journal_id_;
};

}  // namespace fl
