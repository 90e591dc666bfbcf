// LocalCluster (see local_cluster.h). The journal, cluster.json, lists every
// resource before it exists; down() walks that list, tolerating whatever is
// already gone, so it works after a crash at any point of up() and twice.
#include "cluster/local_cluster.h"

#include <arpa/inet.h>
#include <csignal>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cluster/faketime.h"
#include "cluster/journal.h"
#include "cluster/namespace_host.h"
#include "cluster/process.h"

namespace fl {
namespace {

constexpr const char* kJournal = "cluster.json";
constexpr const char* kBridge = "fl-br0";
constexpr const char* kBridgeNfSysctl = "/proc/sys/net/bridge/bridge-nf-call-iptables";

using nlohmann::json;

// "10.213.77.0/24" → "10.213.77." (the prefix every address shares).
std::string subnet_prefix(const std::string& subnet) {
  auto slash = subnet.find('/');
  std::string addr = subnet.substr(0, slash);
  std::string len = slash == std::string::npos ? "" : subnet.substr(slash + 1);
  in_addr a{};
  if (len != "24" || inet_pton(AF_INET, addr.c_str(), &a) != 1)
    throw EnvironmentError(fmt::format("the subnet \"{}\" must be an IPv4 /24 such as 10.213.77.0/24", subnet));
  auto last = addr.rfind('.');
  return addr.substr(0, last + 1);
}

json node_entry(int i, const std::string& prefix) {
  return {{"name", fmt::format("n{}", i)},
          {"netns", fmt::format("fl-n{}", i)},
          {"veth", fmt::format("fl-v{}", i)},
          {"peer", fmt::format("fl-e{}", i)},
          {"address", fmt::format("{}{}", prefix, 10 + i)}};
}

RunResult ip(const Argv& args, const std::string& input = "") {
  Argv argv = {"ip"};
  argv.insert(argv.end(), args.begin(), args.end());
  RunOptions o;
  o.timeout = std::chrono::seconds(20);
  o.input = input;
  return run_process(argv, o);
}

void ip_checked(const Argv& args, const std::string& input = "") {
  RunResult r = ip(args, input);
  if (!r.ok()) {
    std::string err = r.err;
    while (!err.empty() && err.back() == '\n') err.pop_back();
    throw ClusterError(fmt::format("creating the local cluster failed (`ip {}`): {}; run `faultline cluster down` to clean up",
                                   args.empty() ? "" : args[0], err));
  }
}

bool link_exists(const std::string& name) { return ip({"link", "show", "dev", name}).ok(); }

bool netns_exists(const std::string& name) { return std::filesystem::exists("/run/netns/" + name); }

std::string read_first_line(const std::string& path) {
  std::ifstream f(path);
  std::string s;
  std::getline(f, s);
  return s;
}

// If the host's FORWARD chain would drop bridged traffic (docker sets its
// policy to DROP) and br_netfilter hands bridged frames to iptables, turn
// that hand-off off while the cluster is up. The old value is journaled
// first and restored by down().
void unblock_bridge_if_needed(json& j) {
  if (!std::filesystem::exists(kBridgeNfSysctl) || read_first_line(kBridgeNfSysctl) != "1") return;
  RunResult r = run_process({"iptables", "-S", "FORWARD"}, {std::chrono::seconds(10), {}, {}});
  if (r.ok() && r.out.rfind("-P FORWARD ACCEPT", 0) == 0) return;
  j["sysctl"] = {{kBridgeNfSysctl, "1"}};
  journal::write(kJournal, j);
  std::ofstream(kBridgeNfSysctl) << "0\n";
}

// Who holds the journaled cluster, in words, or "" if nobody records it.
std::string owner_words(const json& j) {
  auto o = ClusterOwner::from_json(j.value("owner", json()));
  if (!o) return "";
  return o->describe();
}

std::vector<std::unique_ptr<Host>> hosts_from(const json& j) {
  std::vector<std::unique_ptr<Host>> hosts;
  for (const auto& n : j.at("nodes"))
    hosts.push_back(std::make_unique<NamespaceHost>(n.at("name").get<std::string>(), n.at("netns").get<std::string>(),
                                                    n.at("address").get<std::string>()));
  return hosts;
}

ClusterSpec spec_from(const json& j) {
  ClusterSpec s;
  s.nodes = j.at("spec").at("nodes").get<int>();
  s.subnet = j.at("spec").at("subnet").get<std::string>();
  return s;
}

}  // namespace

bool running_as_root() { return geteuid() == 0; }

LocalCluster::LocalCluster(ClusterSpec spec, std::vector<std::unique_ptr<Host>> hosts)
    : spec_(std::move(spec)), hosts_(std::move(hosts)) {}

LocalCluster::~LocalCluster() = default;

std::vector<Host*> LocalCluster::hosts() {
  std::vector<Host*> v;
  for (auto& h : hosts_) v.push_back(h.get());
  return v;
}

Host* LocalCluster::host(const std::string& name) {
  for (auto& h : hosts_)
    if (h->name() == name) return h.get();
  return nullptr;
}

std::optional<ClusterOwner> LocalCluster::owner() {
  auto j = journal::read(kJournal);
  if (!j) return std::nullopt;
  return ClusterOwner::from_json(j->value("owner", json()));
}

void LocalCluster::refuse_live_owner(const std::string& doing, bool force) {
  if (force) return;
  auto o = owner();
  if (o && o->alive() && !o->is_self())
    throw EnvironmentError(fmt::format("the faultline cluster belongs to {}, which is still running; refusing to {} — "
                                       "let that run finish, or pass --force",
                                       o->describe(), doing));
}

void LocalCluster::refuse_if_present() {
  auto j = journal::read(kJournal);
  if (!j && !link_exists(kBridge)) {
    // No journal, no bridge: a namespace of ours would be a stray nobody records.
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator("/run/netns", ec)) {
      std::string ns = e.path().filename().string();
      if (ns.rfind("fl-", 0) == 0)
        throw EnvironmentError(fmt::format("the namespace {} exists but no faultline journal records it; remove it by "
                                           "hand (`ip netns del {}`) first",
                                           ns, ns));
    }
    return;
  }
  auto o = j ? ClusterOwner::from_json(j->value("owner", json())) : std::nullopt;
  if (o && o->alive())
    throw EnvironmentError(fmt::format("a faultline cluster is already up and belongs to {}, which is still running; "
                                       "wait for it to finish, or remove it with `faultline cluster down --force`",
                                       o->describe()));
  std::string who = o ? fmt::format(" by {}, which is no longer running,", o->describe()) : "";
  throw EnvironmentError(fmt::format("a faultline cluster left{} is still up; run `faultline heal && faultline cluster "
                                     "down` first",
                                     who.empty() ? " by an earlier run" : who));
}

// The subnet must be private to faultline: no address or route of this
// machine may fall inside it (traffic and rules only ever name our nodes).
void LocalCluster::refuse_used_subnet(const std::string& subnet) {
  std::string prefix = subnet_prefix(subnet);
  RunResult addrs = ip({"-4", "-o", "addr", "show"});
  RunResult routes = ip({"-4", "route", "show", "root", subnet});
  bool used = addrs.out.find(" " + prefix) != std::string::npos || !routes.out.empty();
  if (used)
    throw EnvironmentError(
        fmt::format("the subnet {} is already used on this machine; pick another with --subnet", subnet));
}

std::unique_ptr<LocalCluster> LocalCluster::up(const ClusterSpec& spec) {
  if (!running_as_root())
    throw EnvironmentError("creating a local cluster needs root (network namespaces); run as root");
  if (spec.nodes < 1 || spec.nodes > 200)
    throw ClusterError(fmt::format("--nodes must be between 1 and 200, not {}", spec.nodes));
  std::string prefix = subnet_prefix(spec.subnet);
  refuse_if_present();
  refuse_used_subnet(spec.subnet);

  json j = {{"spec", {{"nodes", spec.nodes}, {"subnet", spec.subnet}}},
            {"owner", ClusterOwner::self().to_json()},
            {"bridge", kBridge},
            {"bridge_address", prefix + "1/24"},
            {"state", "creating"},
            {"nodes", json::array()}};
  for (int i = 1; i <= spec.nodes; ++i) j["nodes"].push_back(node_entry(i, prefix));
  for (const auto& n : j["nodes"])
    if (netns_exists(n["netns"]) || link_exists(n["veth"]))
      throw EnvironmentError(fmt::format("{} already exists but no faultline journal records it; remove it by hand "
                                     "(`ip netns del {}` / `ip link del {}`) first",
                                     n["netns"].get<std::string>(), n["netns"].get<std::string>(),
                                     n["veth"].get<std::string>()));
  journal::write(kJournal, j);  // before anything exists

  // Root namespace: one `ip -batch` for the bridge, namespaces and veths.
  std::ostringstream root;
  root << "link add " << kBridge << " type bridge\n"
       << "addr add " << prefix << "1/24 dev " << kBridge << "\n"
       << "link set " << kBridge << " up\n";
  for (const auto& n : j["nodes"]) {
    std::string ns = n["netns"], veth = n["veth"], peer = n["peer"];
    root << "netns add " << ns << "\n"
         << "link add " << veth << " type veth peer name " << peer << " netns " << ns << "\n"
         << "link set " << veth << " master " << kBridge << " up\n";
  }
  ip_checked({"-batch", "-"}, root.str());
  unblock_bridge_if_needed(j);
  // Inside each namespace: the peer becomes eth0, gets its address, comes up.
  for (const auto& n : j["nodes"]) {
    std::string ns = n["netns"], peer = n["peer"], addr = n["address"];
    std::ostringstream in;
    in << "link set " << peer << " name eth0\n"
       << "addr add " << addr << "/24 dev eth0\n"
       << "link set eth0 up\n"
       << "link set lo up\n";
    ip_checked({"-n", ns, "-batch", "-"}, in.str());
  }
  j["state"] = "up";
  journal::write(kJournal, j);
  return std::unique_ptr<LocalCluster>(new LocalCluster(spec, hosts_from(j)));
}

std::unique_ptr<LocalCluster> LocalCluster::existing() {
  auto j = journal::read(kJournal);
  if (!j || j->value("state", "") != "up") return nullptr;
  try {
    return std::unique_ptr<LocalCluster>(new LocalCluster(spec_from(*j), hosts_from(*j)));
  } catch (const json::exception&) {
    throw ClusterError(fmt::format("the journal {} is damaged; run `faultline cluster down`", journal::path(kJournal)));
  }
}

std::vector<std::string> LocalCluster::down(bool force) {
  std::vector<std::string> removed;
  auto j = journal::read(kJournal);
  if (!j) return removed;
  if (!running_as_root()) throw EnvironmentError("removing the local cluster needs root; run as root");
  refuse_live_owner("remove it", force);
  if (std::string who = owner_words(*j); !who.empty()) removed.push_back("the cluster of " + who);
  for (const auto& n : j->value("nodes", json::array())) {
    std::string ns = n.value("netns", ""), veth = n.value("veth", "");
    if (ns.rfind("fl-", 0) != 0) continue;  // never touch what is not ours
    if (netns_exists(ns)) {
      // Daemons first: a namespace with live processes would linger after del.
      for (int round = 0; round < 3; ++round) {
        auto pids = namespace_pids(ns);
        if (pids.empty()) break;
        for (int pid : pids) {
          signal_process(pid, SIGKILL);
          signal_process(pid, SIGCONT);
        }
        for (int pid : pids)
          for (int k = 0; k < 200 && process_alive(pid); ++k) usleep(5000);
        removed.push_back(fmt::format("{} processes in {}", pids.size(), ns));
      }
      ip({"netns", "del", ns});
      removed.push_back("namespace " + ns);
    }
    if (veth.rfind("fl-", 0) == 0 && link_exists(veth)) {
      ip({"link", "del", veth});
      removed.push_back("link " + veth);
    }
    std::error_code ec;
    std::filesystem::remove(clock_dir() + "/" + ns, ec);
  }
  std::string bridge = j->value("bridge", "");
  if (bridge.rfind("fl-", 0) == 0 && link_exists(bridge)) {
    ip({"link", "del", bridge});
    removed.push_back("bridge " + bridge);
  }
  if (j->contains("sysctl")) {
    for (auto& [path, value] : (*j)["sysctl"].items()) {
      std::ofstream(path) << value.get<std::string>() << "\n";
      removed.push_back(fmt::format("restored {} = {}", path, value.get<std::string>()));
    }
  }
  journal::remove(kJournal);
  return removed;
}

}  // namespace fl
