// `faultline cluster up|down|status` — the local network-namespace cluster of
// DESIGN.md. Needs root; without it, a usage error (exit 64) that says so.
// `down` refuses the cluster of a run that still goes unless --force.
#include <fstream>

#include <fmt/format.h>

#include "cluster/local_cluster.h"
#include "cluster/namespace_host.h"
#include "harness/commands.h"
#include "nemesis/fault_journal.h"

namespace fl {
namespace {

void require_root(const char* what) {
  if (!running_as_root())
    throw UsageError(fmt::format("`faultline cluster {}` needs root to manage network namespaces; run it as root", what));
}

void print_status() {
  auto cluster = LocalCluster::existing();
  if (!cluster) {
    fmt::print("no faultline cluster is up (start one with `faultline cluster up --nodes 3`)\n");
    return;
  }
  fmt::print("cluster: {} nodes on {} (bridge fl-br0)\n", cluster->spec().nodes, cluster->spec().subnet);
  for (Host* h : cluster->hosts()) {
    auto* ns = dynamic_cast<NamespaceHost*>(h);
    std::vector<int> pids = ns ? ns->pids() : std::vector<int>{};
    std::string list;
    for (int p : pids) {
      std::ifstream comm("/proc/" + std::to_string(p) + "/comm");
      std::string name;
      std::getline(comm, name);
      list += fmt::format("{}{} ({})", list.empty() ? "" : ", ", name.empty() ? "?" : name, p);
    }
    fmt::print("  {:<4} {:<16} {:<8} daemons: {}\n", h->name(), h->address(), ns ? ns->netns() : "",
               pids.empty() ? "none" : list);
  }
}

}  // namespace

void add_cluster_command(CLI::App& app, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("cluster", "Manage the local network-namespace cluster");
  cmd->require_subcommand(1);

  static ClusterSpec spec;
  CLI::App* up = cmd->add_subcommand("up", "Create namespaces fl-n1…fl-nN on bridge fl-br0");
  up->add_option("--nodes", spec.nodes, "Number of nodes")->check(CLI::Range(1, 200));
  up->add_option("--subnet", spec.subnet, "An IPv4 /24; node I gets .(10+I), the bridge .1")
      ->check(CLI::Validator(
          [](std::string& s) {
            auto slash = s.find('/');
            bool ok = slash != std::string::npos && s.substr(slash + 1) == "24" &&
                      CLI::ValidIPV4(s.substr(0, slash)).empty();
            return ok ? std::string() : "must be an IPv4 /24 such as 10.213.77.0/24";
          },
          "CIDR /24"));
  up->callback([&exit_code] {
    require_root("up");
    LocalCluster::refuse_if_present();
    auto cluster = LocalCluster::up(spec);
    for (Host* h : cluster->hosts()) fmt::print("{} {}\n", h->name(), h->address());
    exit_code = exit_code::kValid;
  });

  static bool force = false;
  CLI::App* down = cmd->add_subcommand("down", "Remove everything the cluster journal records");
  down->add_flag("--force", force, "Remove the cluster even if the run that owns it is still going");
  down->callback([&exit_code] {
    require_root("down");
    // A running test's cluster is not ours to take (unless forced).
    LocalCluster::refuse_live_owner("remove it", force);
    // Faults first (paused processes, clock files), while the journal still
    // names the nodes; then the cluster itself.
    std::vector<std::string> removed;
    try {
      removed = heal_journaled();
    } catch (const ClusterError& e) {
      fmt::print(stderr, "faultline: {}\n", e.what());
    }
    for (auto& r : LocalCluster::down(force)) removed.push_back(r);
    if (removed.empty()) fmt::print("no faultline cluster was up\n");
    for (const auto& r : removed) fmt::print("removed {}\n", r);
    exit_code = exit_code::kValid;
  });

  CLI::App* status = cmd->add_subcommand("status", "Nodes, addresses and the daemons running on them");
  status->callback([&exit_code] {
    require_root("status");
    print_status();
    exit_code = exit_code::kValid;
  });
}

}  // namespace fl
