#include "nemesis/fault_journal.h"

#include <atomic>
#include <csignal>
#include <ctime>
#include <functional>
#include <map>
#include <mutex>

#include <unistd.h>

#include <fmt/format.h>

#include "cluster/host_journal.h"
#include "cluster/journal.h"
#include "cluster/namespace_host.h"
#include "cluster/ssh_host.h"
#include "nemesis/diskfs.h"
#include "nemesis/firewall.h"
#include "nemesis/nfqueue_shaper.h"
#include "nemesis/node_clock.h"
#include "cluster/parallel.h"
#include "nemesis/traffic.h"

namespace fl {
namespace {

constexpr const char* kFaults = "faults.json";

std::string next_id() {
  static std::atomic<unsigned> counter{0};
  return fmt::format("{}-{}-{}", getpid(), time(nullptr), ++counter);
}

struct Hosts {
  std::vector<std::unique_ptr<Host>> owned;
  std::vector<Host*> ptrs;
};

Hosts hosts_of(const nlohmann::json& entry) {
  Hosts h;
  for (const auto& ref : entry.value("nodes", nlohmann::json::array())) {
    auto host = host_from_ref(ref);
    if (!host) continue;
    h.ptrs.push_back(host.get());
    h.owned.push_back(std::move(host));
  }
  return h;
}

std::string describe(const nlohmann::json& e) {
  std::string nodes;
  for (const auto& n : e.value("nodes", nlohmann::json::array()))
    nodes += (nodes.empty() ? "" : ",") + n.value("name", "?");
  std::string kind = e.value("kind", "?");
  if (kind == "iptables-chain") return fmt::format("removed iptables chain {} on {}", e.value("chain", "?"), nodes);
  if (kind == "shaper")
    return fmt::format("removed the {} rules and stopped fl-shaper on {}", e.value("chain", "FL-SHAPE"), nodes);
  if (kind == "qdisc") return fmt::format("removed the {} qdisc on {}", e.value("iface", "?"), nodes);
  if (kind == "clock") return fmt::format("reset the clock of {}", nodes);
  if (kind == "diskfs") return fmt::format("unmounted fl-diskfs from {} on {}", e.value("dir", "?"), nodes);
  if (kind == "paused") return fmt::format("resumed paused processes on {}", nodes);
  if (kind == "killed")
    return fmt::format("forgot the killed daemons of {}: only the run that killed them could restart them "
                       "(`faultline cluster down` removes the cluster)",
                       nodes);
  return fmt::format("forgot a {} fault", kind);
}

std::vector<Host*> remote_only(const std::vector<Host*>& hosts) {
  std::vector<Host*> r;
  for (Host* h : hosts)
    if (h->remote()) r.push_back(h);
  return r;
}

// Removes the entries whose id `drop` says so from j["faults"]; null if
// nothing at all is left.
void drop_faults(nlohmann::json& j, const std::function<bool(const nlohmann::json&)>& drop) {
  if (!j.is_object() || !j.contains("faults")) return;
  nlohmann::json kept = nlohmann::json::array();
  for (auto& f : j["faults"])
    if (!drop(f)) kept.push_back(f);
  j["faults"] = kept;
  if (host_journal::empty(j)) j = nullptr;
}

// The refs of `entry` that name `host` (by address).
bool names_host(const nlohmann::json& entry, const Host& host) {
  for (const auto& n : entry.value("nodes", nlohmann::json::array()))
    if (n.value("address", "") == host.address()) return true;
  return false;
}

}  // namespace

std::string journal_fault(nlohmann::json entry, const std::vector<Host*>& hosts) {
  std::string id = next_id();
  entry["id"] = id;
  journal::update(kFaults, [&](nlohmann::json& j) {
    if (!j.is_object()) j = {{"faults", nlohmann::json::array()}};
    j["faults"].push_back(entry);
  });
  on_each_host(remote_only(hosts), [&](Host& h) {
    host_journal::update(h, [&](nlohmann::json& j) {
      if (!j.is_object()) j = {{"host", node_ref(h)}};
      j["faults"].push_back(entry);
    });
  });
  return id;
}

void amend_fault(const std::string& id, const nlohmann::json& fields, const std::vector<Host*>& hosts) {
  auto amend = [&](nlohmann::json& j) {
    if (!j.is_object() || !j.contains("faults")) return;
    for (auto& f : j["faults"])
      if (f.value("id", "") == id)
        for (auto& [k, v] : fields.items()) f[k] = v;
  };
  journal::update(kFaults, amend);
  on_each_host(remote_only(hosts), [&](Host& h) { host_journal::update(h, amend); });
}

void forget_fault(const std::string& id, const std::vector<Host*>& hosts) {
  auto same = [&](const nlohmann::json& f) { return f.value("id", "") == id; };
  journal::update(kFaults, [&](nlohmann::json& j) { drop_faults(j, same); });
  on_each_host(remote_only(hosts), [&](Host& h) { host_journal::update(h, [&](nlohmann::json& j) { drop_faults(j, same); }); });
}

std::vector<nlohmann::json> journaled_faults() {
  auto j = journal::read(kFaults);
  std::vector<nlohmann::json> v;
  if (j && j->contains("faults"))
    for (auto& f : (*j)["faults"]) v.push_back(f);
  return v;
}

nlohmann::json node_ref(const Host& host) {
  if (auto* ssh = dynamic_cast<const SshHost*>(&host)) return ssh->ref();
  nlohmann::json r = {{"name", host.name()}, {"address", host.address()}};
  if (auto* ns = dynamic_cast<const NamespaceHost*>(&host)) r["netns"] = ns->netns();
  return r;
}

nlohmann::json node_refs(const std::vector<Host*>& hosts) {
  nlohmann::json a = nlohmann::json::array();
  for (Host* h : hosts) a.push_back(node_ref(*h));
  return a;
}

std::unique_ptr<Host> host_from_ref(const nlohmann::json& ref) {
  if (ref.contains("ssh"))
    return std::make_unique<SshHost>(ref.value("name", ""), ref.value("ssh", ""),
                                     SshOptions::from_json(ref.value("ssh_options", nlohmann::json::object())));
  std::string netns = ref.value("netns", "");
  // Only faultline's own namespaces are ever touched.
  if (netns.rfind("fl-", 0) != 0) return nullptr;
  return std::make_unique<NamespaceHost>(ref.value("name", ""), netns, ref.value("address", ""));
}

void undo_fault(const nlohmann::json& entry) {
  Hosts h = hosts_of(entry);
  // A mount lives in this machine's mount namespace: undone even when the
  // node's network namespace is gone.
  if (entry.value("kind", "") == "diskfs") return undo_diskfs_mount(entry, h.ptrs);
  std::vector<Host*> present;
  for (Host* p : h.ptrs)  // a namespace deleted by `cluster down` has nothing left to undo
    if (auto* ns = dynamic_cast<NamespaceHost*>(p); !ns || access(("/run/netns/" + ns->netns()).c_str(), F_OK) == 0)
      present.push_back(p);
  undo_fault_on(entry, present);
}

void undo_fault_on(const nlohmann::json& entry, const std::vector<Host*>& hosts) {
  std::vector<Host*> present;
  for (Host* h : hosts)
    if (names_host(entry, *h)) present.push_back(h);
  std::string kind = entry.value("kind", "");
  if (kind == "iptables-chain") {
    std::string chain = entry.value("chain", ""), hook = entry.value("hook", "");
    if (chain.rfind("FL-", 0) == 0 && (hook == "INPUT" || hook == "OUTPUT")) remove_chain(present, chain, hook);
  } else if (kind == "shaper") {
    stop_shapers(present);  // the FL-SHAPE rules, then each node's fl-shaper
  } else if (kind == "qdisc") {
    clear_qdisc(present);  // each host's own interface
  } else if (kind == "diskfs") {
    undo_diskfs_mount(entry, present);
  } else if (kind == "clock") {
    on_each_host(present, [](Host& host) { clock_for(host)->set_offset(host, 0); });
  } else if (kind == "paused") {
    nlohmann::json paused = entry.value("pids", nlohmann::json::object());
    std::map<std::string, std::string> address_of;  // node name → address, as journaled
    for (const auto& n : entry.value("nodes", nlohmann::json::array()))
      address_of[n.value("name", "")] = n.value("address", "");
    on_each_host(present, [&](Host& host) {
      for (auto& [node, pids] : paused.items())
        if (address_of[node] == host.address())
          for (const auto& p : pids)
            if (p.is_number_integer() && p.get<int>() > 1) host.signal(p.get<int>(), SIGCONT);
    });
  }
}

std::vector<std::string> heal_hosts(const std::vector<Host*>& hosts) {
  std::vector<std::string> done;
  std::mutex mu;
  on_each_host(hosts, [&](Host& h) {
    nlohmann::json j = host_journal::read(h);
    if (!j.is_object()) return;
    std::vector<std::string> lines;
    for (const auto& e : j.value("faults", nlohmann::json::array())) {
      undo_fault_on(e, {&h});
      lines.push_back(fmt::format("{}: {}", h.address(), describe(e)));
    }
    if (auto* ssh = dynamic_cast<SshHost*>(&h))
      for (const auto& s : ssh->kill_journaled_daemons()) lines.push_back(fmt::format("{}: {}", h.address(), s));
    host_journal::update(h, [](nlohmann::json& j2) { j2 = nullptr; });
    std::lock_guard<std::mutex> lock(mu);
    done.insert(done.end(), lines.begin(), lines.end());
  });
  // The local journal's entries that named only these hosts are done too.
  journal::update(kFaults, [&](nlohmann::json& j) {
    drop_faults(j, [&](const nlohmann::json& f) {
      for (const auto& n : f.value("nodes", nlohmann::json::array())) {
        bool ours = false;
        for (Host* h : hosts) ours = ours || n.value("address", "") == h->address();
        if (!ours) return false;
      }
      return true;
    });
  });
  return done;
}

int resume_paused(const std::string& node) {
  int resumed = 0;
  journal::update(kFaults, [&](nlohmann::json& j) {
    if (!j.is_object() || !j.contains("faults")) return;
    nlohmann::json kept = nlohmann::json::array();
    for (auto& f : j["faults"]) {
      if (f.value("kind", "") == "paused" && f.contains("pids")) {
        nlohmann::json left = nlohmann::json::object();
        for (auto& [n, pids] : f["pids"].items()) {
          if (!node.empty() && n != node) {
            left[n] = pids;
            continue;
          }
          for (const auto& p : pids)
            if (p.is_number_integer() && p.get<int>() > 1 && kill(p.get<int>(), SIGCONT) == 0) ++resumed;
        }
        if (left.empty()) continue;
        f["pids"] = left;
      }
      kept.push_back(f);
    }
    if (kept.empty()) j = nullptr;
    else j["faults"] = kept;
  });
  return resumed;
}

std::vector<std::string> heal_journaled() {
  std::vector<std::string> done;
  std::string first_error;
  for (const auto& e : journaled_faults()) {
    try {
      undo_fault(e);
      forget_fault(e.value("id", ""));
      done.push_back(describe(e));
    } catch (const std::exception& ex) {
      if (first_error.empty()) first_error = ex.what();
    }
  }
  if (!first_error.empty())
    throw ClusterError(fmt::format("heal could not undo every fault ({}); the rest stays in {} — run `faultline heal` again",
                                   first_error, journal::path(kFaults)));
  return done;
}

}  // namespace fl
