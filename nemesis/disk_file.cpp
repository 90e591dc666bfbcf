#include "nemesis/disk_file.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "nemesis/diskfs.h"
#include "nemesis/fault_journal.h"
#include "cluster/parallel.h"
#include "nemesis/targets.h"

namespace fl {

std::vector<std::string> data_files_on(Host& host, const Db& db, bool non_empty) {
  std::string dir = db.data_mount_dir(host);
  std::set<std::string> files;
  for (const std::string& pattern : db.data_files()) {
    // A name pattern is matched in the directory itself; one with a '/' is a
    // path pattern below it ("base/*/16384").
    Argv find = pattern.find('/') == std::string::npos
                    ? Argv{"find", dir, "-maxdepth", "1", "-type", "f", "-name", pattern}
                    : Argv{"find", dir, "-type", "f", "-path", dir + "/" + pattern};
    if (non_empty) find.insert(find.end(), {"-size", "+0"});
    RunResult r = host.run(find);
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);)
      if (line.rfind(dir + "/", 0) == 0) files.insert(line.substr(dir.size() + 1));
  }
  return {files.begin(), files.end()};
}

DiskFileNemesis::DiskFileNemesis(std::string name, Damage damage, nlohmann::json options)
    : name_(std::move(name)), damage_(damage) {
  target_ = options.is_object() ? options.value("target", "one") : "one";
  if (options.is_object() && options.contains("bytes")) {
    if (!options["bytes"].is_number_integer() || options["bytes"].get<long long>() <= 0)
      throw ClusterError(fmt::format("{}: bytes must be a positive number", name_));
    bytes_ = options["bytes"].get<long long>();
  }
}

std::string DiskFileNemesis::unavailable(const Db* db) const { return diskfs_unavailable(name_, db); }

// One file of the node's data directory damaged; fl-diskfs's answer.
std::string DiskFileNemesis::damage(Host& host, Db& db, std::uint64_t seed) {
  std::string dir = db.data_mount_dir(host);
  std::vector<std::string> files = data_files_on(host, db, damage_ != Damage::kRollback);
  std::mt19937_64 rng(seed);
  if (damage_ == Damage::kRollback) {
    std::string done;
    for (const std::string& f : files) {
      try {
        done += (done.empty() ? "" : "; ") + diskfs_ctl(host, dir, {"rollback", f});
      } catch (const ClusterError&) {
        // A file born since the copy has none: it stays as it is.
      }
    }
    return done.empty() ? "no file had a copy yet (each heal takes one)" : done;
  }
  if (files.empty()) return "no data file yet";
  std::string file = files[std::uniform_int_distribution<size_t>(0, files.size() - 1)(rng)];
  RunResult st = host.run({"stat", "-c", "%s", dir + "/" + file});
  long long size = st.ok() ? std::atoll(st.out.c_str()) : 0;
  if (size <= 0) return file + " is empty";
  if (damage_ == Damage::kTruncate) {
    long long length = std::uniform_int_distribution<long long>(0, size - 1)(rng);
    return diskfs_ctl(host, dir, {"truncate", file, std::to_string(length)});
  }
  long long offset = std::uniform_int_distribution<long long>(0, size - 1)(rng);
  long long length = std::min(bytes_, size - offset);
  return diskfs_ctl(host, dir,
                    {"corrupt", file, std::to_string(offset), std::to_string(length), std::to_string(rng() % 1000000)});
}

NemesisEvent DiskFileNemesis::start(NemesisContext& ctx) {
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
  std::map<std::string, std::uint64_t> seeds;
  for (Host* h : targets_) seeds[h->name()] = rng();
  journal_id_ = journal_fault({{"kind", "killed"}, {"nodes", node_refs(targets_)}});
  nlohmann::json done = nlohmann::json::object();
  std::mutex mu;
  on_each_host(targets_, [&](Host& h) {
    db->kill(h);
    for (int i = 0; i < 250 && !db->pids(h).empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (!db->pids(h).empty())
      throw ClusterError(fmt::format("the daemon on {} did not die within 5 s of SIGKILL", h.name()));
    std::string answer = damage(h, *db, seeds.at(h.name()));
    std::lock_guard<std::mutex> lock(mu);
    done[h.name()] = answer;
  });
  nlohmann::json names = nlohmann::json::array();
  for (Host* h : targets_) names.push_back(h->name());
  return {"start-" + name_, {{"nodes", names}, {"damage", done}}};
}

NemesisEvent DiskFileNemesis::stop(NemesisContext& ctx) {
  nlohmann::json names = nlohmann::json::array();
  for (Host* h : targets_) names.push_back(h->name());
  Db* db = ctx.db;
  if (db) on_each_host(targets_, [db](Host& h) { db->start(h); });
  if (!journal_id_.empty()) forget_fault(journal_id_);
  journal_id_.clear();
  targets_.clear();
  nlohmann::json value = {{"restarted", db ? names : nlohmann::json::array()}};
  if (damage_ == Damage::kRollback && db && db->data_mount()) {
    // The copy the next start rolls back to: every node's files, now.
    on_each_host(ctx.nodes, [db](Host& h) {
      for (const std::string& f : data_files_on(h, *db)) diskfs_ctl(h, db->data_mount_dir(h), {"snapshot", f});
    });
    value["copied"] = true;
  }
  return {"stop-" + name_, value};
}

}  // namespace fl
