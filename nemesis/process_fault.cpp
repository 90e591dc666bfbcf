#include "nemesis/process_fault.h"

#include <algorithm>
#include <csignal>

#include <fmt/format.h>

#include "cluster/namespace_host.h"
#include "nemesis/fault_journal.h"
#include "cluster/parallel.h"
#include "nemesis/targets.h"

namespace fl {

std::vector<int> daemon_pids(Host& host, Db* db) {
  if (db) return db->pids(host);
  if (auto* ns = dynamic_cast<NamespaceHost*>(&host)) return ns->pids();
  throw ClusterError(fmt::format("without a system's own hooks, process faults need a local namespace node, not {}",
                                 host.name()));
}

ProcessNemesis::ProcessNemesis(Action action, nlohmann::json options) : action_(action) {
  target_ = options.is_object() ? options.value("target", "one") : "one";
}

NemesisEvent ProcessNemesis::start(NemesisContext& ctx) {
  if (!targets_.empty()) stop(ctx);
  std::mt19937_64 fallback(0);
  std::mt19937_64& rng = ctx.rng ? *ctx.rng : fallback;
  if (target_ == "primaries") {
    // Jepsen's :primaries — whoever the system says leads right now (a Raft
    // leader, a 2PC coordinator); nobody if it names none.
    std::vector<std::string> named = ctx.db ? ctx.db->primaries(ctx.nodes) : std::vector<std::string>{};
    targets_.clear();
    for (Host* h : ctx.nodes)
      if (std::find(named.begin(), named.end(), h->name()) != named.end()) targets_.push_back(h);
  } else {
    targets_ = choose_targets(ctx.nodes, target_, rng);
  }
  nlohmann::json names = nlohmann::json::array();
  for (Host* h : targets_) names.push_back(h->name());
  Db* db = ctx.db;
  if (action_ == Action::kKill) {
    // Journaled like every fault, so whoever cleans up after a crash learns
    // which nodes lost their daemons (no one can restart them then).
    journal_id_ = journal_fault({{"kind", "killed"}, {"nodes", node_refs(targets_)}});
    on_each_host(targets_, [db](Host& h) {
      if (db) db->kill(h);
      else
        for (int pid : daemon_pids(h, nullptr)) h.signal(pid, SIGKILL);
    });
    return {"start-kill", {{"nodes", names}}};
  }
  // Pause: journal the pids first, so a crash of faultline cannot leave them
  // frozen for ever.
  nlohmann::json pids = nlohmann::json::object();
  for (Host* h : targets_) pids[h->name()] = daemon_pids(*h, db);
  journal_id_ = journal_fault({{"kind", "paused"}, {"pids", pids}, {"nodes", node_refs(targets_)}}, targets_);
  on_each_host(targets_, [db, &pids](Host& h) {
    if (db) db->pause(h);
    else
      for (int pid : pids[h.name()]) h.signal(pid, SIGSTOP);
  });
  return {"start-pause", {{"nodes", names}, {"pids", pids}}};
}

NemesisEvent ProcessNemesis::stop(NemesisContext& ctx) {
  nlohmann::json names = nlohmann::json::array();
  for (Host* h : targets_) names.push_back(h->name());
  Db* db = ctx.db;
  if (action_ == Action::kKill) {
    if (db) on_each_host(targets_, [db](Host& h) { db->start(h); });
    if (!journal_id_.empty()) forget_fault(journal_id_);
    journal_id_.clear();
    targets_.clear();
    return {"stop-kill", {{"restarted", db ? names : nlohmann::json::array()}}};
  }
  if (db) on_each_host(targets_, [db](Host& h) { db->resume(h); });
  for (const auto& e : journaled_faults())  // SIGCONT to exactly the pids that were stopped
    if (e.value("id", "") == journal_id_) undo_fault_on(e, targets_);
  if (!journal_id_.empty()) forget_fault(journal_id_, targets_);
  journal_id_.clear();
  targets_.clear();
  return {"stop-pause", {{"resumed", names}}};
}

}  // namespace fl
