#include "nemesis/power_loss.h"

#include <algorithm>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "nemesis/diskfs.h"
#include "nemesis/fault_journal.h"
#include "cluster/parallel.h"
#include "nemesis/targets.h"

namespace fl {

PowerLossNemesis::PowerLossNemesis(std::string name, nlohmann::json options) : name_(std::move(name)) {
  target_ = options.is_object() ? options.value("target", "one") : "one";
  if (options.is_object() && options.contains("writeback")) {
    if (!options["writeback"].is_number() || options["writeback"].get<double>() <= 0 ||
        options["writeback"].get<double>() > 3600)
      throw ClusterError(fmt::format("{}: writeback must be a number of seconds (more than 0, at most 3600)", name_));
    writeback_ms_ = std::max(1L, static_cast<long>(options["writeback"].get<double>() * 1000));
  }
  if (options.is_object() && options.contains("keep")) {
    if (!options["keep"].is_number_integer() || options["keep"].get<long long>() < 0)
      throw ClusterError(fmt::format("{}: keep must be a number of bytes (0 or more)", name_));
    keep_ = options["keep"].get<long long>();
  }
}

std::string PowerLossNemesis::unavailable(const Db* db) const { return diskfs_unavailable(name_, db); }

NemesisEvent PowerLossNemesis::start(NemesisContext& ctx) {
  if (!targets_.empty()) stop(ctx);
  Db* db = ctx.db;
  if (db == nullptr || db->data_mount() == nullptr || ctx.nodes.empty() || db->data_mount_dir(*ctx.nodes[0]).empty()) {
    std::string why = diskfs_unavailable(name_, db, ctx.nodes.empty() || !ctx.nodes[0]->remote());
    throw ClusterError(!why.empty() ? why
                                    : fmt::format("the {} nemesis needs the nodes' data directories on fl-diskfs, "
                                                  "and this run did not mount them there",
                                                  name_));
  }
  std::mt19937_64 fallback(0);
  std::mt19937_64& rng = ctx.rng ? *ctx.rng : fallback;
  if (target_ == "primaries") {
    std::vector<std::string> named = db->primaries(ctx.nodes);
    targets_.clear();
    for (Host* h : ctx.nodes)
      if (std::find(named.begin(), named.end(), h->name()) != named.end()) targets_.push_back(h);
  } else {
    targets_ = choose_targets(ctx.nodes, target_, rng);
  }
  // Journaled like a kill: whoever cleans up after a crash learns which
  // nodes lost their daemons.
  journal_id_ = journal_fault({{"kind", "killed"}, {"nodes", node_refs(targets_)}});
  Argv command = {"lose"};
  if (keep_ >= 0) command = {"lose", "torn", std::to_string(keep_)};
  nlohmann::json lost = nlohmann::json::object();
  std::mutex mu;
  on_each_host(targets_, [&](Host& h) {
    db->kill(h);
    // Every write the daemon made has reached fl-diskfs once it is gone.
    for (int i = 0; i < 250 && !db->pids(h).empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (!db->pids(h).empty())
      throw ClusterError(fmt::format("the daemon on {} did not die within 5 s of SIGKILL", h.name()));
    std::string answer = diskfs_ctl(h, db->data_mount_dir(h), command);
    std::lock_guard<std::mutex> lock(mu);
    lost[h.name()] = answer;
  });
  nlohmann::json names = nlohmann::json::array();
  for (Host* h : targets_) names.push_back(h->name());
  return {"start-" + name_, {{"nodes", names}, {"lost", lost}}};
}

NemesisEvent PowerLossNemesis::stop(NemesisContext& ctx) {
  nlohmann::json names = nlohmann::json::array();
  for (Host* h : targets_) names.push_back(h->name());
  Db* db = ctx.db;
  if (db) on_each_host(targets_, [db](Host& h) { db->start(h); });
  if (!journal_id_.empty()) forget_fault(journal_id_);
  journal_id_.clear();
  targets_.clear();
  return {"stop-" + name_, {{"restarted", db ? names : nlohmann::json::array()}}};
}

}  // namespace fl
