#include "nemesis/clock.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <unistd.h>

#include <fmt/format.h>

#include "cluster/faketime.h"

#include "nemesis/fault_journal.h"
#include "nemesis/node_clock.h"
#include "cluster/parallel.h"
#include "nemesis/targets.h"

namespace fl {

ClockNemesis::ClockNemesis(std::string name, nlohmann::json options) : name_(std::move(name)) {
  if (!options.is_object()) options = nlohmann::json::object();
  mode_ = options.value("mode", "skew");
  offset_s_ = options.value("offset_s", 5.0);
  interval_ms_ = options.value("interval_ms", 200);
  target_ = options.value("target", mode_ == "bump" || mode_ == "strobe" ? "one" : "all");
  if (mode_ != "skew" && mode_ != "bump" && mode_ != "strobe" && mode_ != "reset")
    throw ClusterError(fmt::format("unknown clock fault \"{}\": use skew, bump, strobe or reset", mode_));
  if (interval_ms_ <= 0) throw ClusterError("a strobe interval must be positive");
}

ClockNemesis::~ClockNemesis() { end_strobe(); }

void ClockNemesis::end_strobe() {
  strobe_stop_ = true;
  if (strobe_.joinable()) strobe_.join();
  strobe_stop_ = false;
}

std::string ClockNemesis::unavailable(const Db* db) const {
  if (db && !db->clock_via_libfaketime())
    return fmt::format("the {} nemesis cannot act on {}: it reads the clock without libc (as Go binaries do), so "
                       "libfaketime cannot skew it; leave {} out of --nemesis for this system",
                       name_, db->name(), name_);
  if (access(kLibfaketimePath, R_OK) != 0)
    return fmt::format("the {} nemesis needs libfaketime ({}), which is not installed; install libfaketime "
                       "(scripts/setup)",
                       name_, kLibfaketimePath);
  return "";
}

NemesisEvent ClockNemesis::start(NemesisContext& ctx) {
  // SSH hosts set their own real clocks: what libfaketime could reach does not matter there.
  bool all_remote = !ctx.nodes.empty() && std::all_of(ctx.nodes.begin(), ctx.nodes.end(), [](Host* h) { return h->remote(); });
  if (std::string why = all_remote ? "" : unavailable(ctx.db); !why.empty()) throw EnvironmentError(why);
  if (!journal_id_.empty()) stop(ctx);
  std::mt19937_64 fallback(0);
  std::mt19937_64& rng = ctx.rng ? *ctx.rng : fallback;
  std::vector<Host*> targets = mode_ == "reset" ? ctx.nodes : choose_targets(ctx.nodes, target_, rng);
  journal_id_ = journal_fault({{"kind", "clock"}, {"nodes", node_refs(targets)}}, targets);
  touched_ = targets;
  nlohmann::json offsets = nlohmann::json::object();
  std::string via;
  std::uniform_real_distribution<double> spread(-std::fabs(offset_s_), std::fabs(offset_s_));
  for (Host* h : targets) {
    auto clock = clock_for(*h);
    via = clock->mechanism();
    double o = 0;
    if (mode_ == "skew") o = targets.size() == 1 ? offset_s_ : std::round(spread(rng) * 1000) / 1000;
    else if (mode_ == "bump") o = clock->offset(*h) + offset_s_;
    else if (mode_ == "strobe") o = offset_s_;
    clock->set_offset(*h, o);
    offsets[h->name()] = o;
  }
  if (mode_ == "strobe") {
    // Flip between true time and the offset until stop(): clocks that jump
    // back and forth, Jepsen's clock strobe.
    strobe_ = std::thread([this, targets] {
      bool skewed = true;
      while (!strobe_stop_) {
        std::this_thread::sleep_for(std::chrono::milliseconds(interval_ms_));
        skewed = !skewed;
        for (Host* h : targets) clock_for(*h)->set_offset(*h, skewed ? offset_s_ : 0);
      }
    });
  }
  nlohmann::json value = {{"mode", mode_}, {"offsets", offsets}, {"via", via}};
  if (mode_ == "strobe") value["interval_ms"] = interval_ms_;
  return {"start-" + name_, value};
}

NemesisEvent ClockNemesis::stop(NemesisContext& ctx) {
  end_strobe();
  on_each_host(touched_, [](Host& h) { clock_for(h)->set_offset(h, 0); });
  nlohmann::json nodes = nlohmann::json::array();
  for (Host* h : touched_) nodes.push_back(h->name());
  if (!journal_id_.empty()) forget_fault(journal_id_, touched_);
  journal_id_.clear();
  touched_.clear();
  return {"stop-" + name_, {{"reset", nodes}}};
}

}  // namespace fl
