// ClockNemesis: clock faults through NodeClock (node_clock.h) — skew (a fixed
// offset per node), bump (one sudden jump), strobe (flipping between the true
// time and an offset at an interval, from a background thread) and reset.
// A Db whose system cannot be skewed through libfaketime (a Go binary such as
// etcd) makes start() fail with a sentence saying so.
// Options: {"mode": "skew|bump|strobe|reset", "offset_s": 5, "target": "all|one|n2|…", "interval_ms": 200}.
#pragma once

#include <atomic>
#include <string>
#include <thread>

#include "nemesis/nemesis.h"

namespace fl {

class ClockNemesis : public Nemesis {
 public:
  ClockNemesis(std::string name, nlohmann::json options);
  ~ClockNemesis() override;
  std::string name() const override { return name_; }
  NemesisEvent start(NemesisContext& ctx) override;
  NemesisEvent stop(NemesisContext& ctx) override;
  std::string unavailable(const Db* db) const override;

 private:
  void end_strobe();
  std::string name_, mode_, target_;
  double offset_s_;
  int interval_ms_;
  std::string journal_id_;
  std::vector<Host*> touched_;
  std::atomic<bool> strobe_stop_{false};
  std::thread strobe_;
};

}  // namespace fl
