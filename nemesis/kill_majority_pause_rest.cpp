#include "nemesis/kill_majority_pause_rest.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "nemesis/fault_journal.h"
#include "cluster/parallel.h"
#include "nemesis/process_fault.h"

namespace fl {

std::string KillMajorityPauseRest::unavailable(const Db* db) const {
  return db ? "" : "kill-majority-pause-rest restarts daemons through a system's hooks: run it from `faultline test`";
}

NemesisEvent KillMajorityPauseRest::start(NemesisContext& ctx) {
  if (!paused_.empty()) stop(ctx);
  Db* db = ctx.db;
  if (!db) throw ClusterError(unavailable(nullptr));
  std::mt19937_64 fallback(0);
  std::mt19937_64& rng = ctx.rng ? *ctx.rng : fallback;

  // The majority: the named primaries first, then random others.
  std::vector<std::string> named = db->primaries(ctx.nodes);
  std::vector<Host*> order = ctx.nodes;
  std::shuffle(order.begin(), order.end(), rng);
  std::stable_partition(order.begin(), order.end(), [&](Host* h) {
    return std::find(named.begin(), named.end(), h->name()) != named.end();
  });
  std::size_t majority = ctx.nodes.size() / 2 + 1;
  std::vector<Host*> killed(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(std::min(majority, order.size())));
  paused_.assign(order.begin() + static_cast<std::ptrdiff_t>(killed.size()), order.end());
  auto by_name = [](Host* a, Host* b) { return a->name() < b->name(); };
  std::sort(killed.begin(), killed.end(), by_name);
  std::sort(paused_.begin(), paused_.end(), by_name);

  // Freeze the rest first, so none of them notices the crash and campaigns.
  nlohmann::json pids = nlohmann::json::object();
  for (Host* h : paused_) pids[h->name()] = daemon_pids(*h, db);
  journal_id_ = journal_fault({{"kind", "paused"}, {"pids", pids}, {"nodes", node_refs(paused_)}}, paused_);
  on_each_host(paused_, [db](Host& h) { db->pause(h); });

  std::string kill_id = journal_fault({{"kind", "killed"}, {"nodes", node_refs(killed)}});
  on_each_host(killed, [db](Host& h) { db->kill(h); });
  on_each_host(killed, [db](Host& h) { db->start(h); });
  forget_fault(kill_id);

  // Which restarted node leads first (for the history; up to 3 s).
  std::vector<std::string> leader;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (leader.empty() && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    leader = db->primaries(killed);
  }
  nlohmann::json killed_names = nlohmann::json::array(), paused_names = nlohmann::json::array();
  for (Host* h : killed) killed_names.push_back(h->name());
  for (Host* h : paused_) paused_names.push_back(h->name());
  return {"start-kill-majority-pause-rest",
          {{"killed", killed_names}, {"primaries", named}, {"restarted", killed_names}, {"paused", paused_names},
           {"pids", pids}, {"restarted_leader", leader}}};
}

NemesisEvent KillMajorityPauseRest::stop(NemesisContext& ctx) {
  nlohmann::json names = nlohmann::json::array();
  for (Host* h : paused_) names.push_back(h->name());
  if (ctx.db) on_each_host(paused_, [db = ctx.db](Host& h) { db->resume(h); });
  for (const auto& e : journaled_faults())  // SIGCONT to exactly the pids that were stopped
    if (e.value("id", "") == journal_id_) undo_fault_on(e, paused_);
  if (!journal_id_.empty()) forget_fault(journal_id_, paused_);
  journal_id_.clear();
  paused_.clear();
  return {"stop-kill-majority-pause-rest", {{"resumed", names}}};
}

}  // namespace fl
