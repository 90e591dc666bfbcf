// For nemesis tests that need root: a cluster on the test subnet, with every
// journaled fault healed and the cluster removed at the start and at the end
// (RAII), so a failing test leaves the machine clean. A cluster whose owner
// (another process) still runs is refused, never taken.
#pragma once

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "../cluster/root_guard.h"
#include "cluster/local_cluster.h"
#include "nemesis/fault_journal.h"

namespace fl::test {

// The state letter of /proc/PID/stat ('T' stopped, 'S' sleeping, …; '?' gone).
inline char process_state(int pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(f, line);
  auto p = line.rfind(')');
  return p == std::string::npos ? '?' : line[p + 2];
}

// Throws (EnvironmentError, naming the owner) rather than heal or remove the
// cluster of another process that still runs: a test never breaks a live run.
inline void heal_and_down() {
  LocalCluster::refuse_live_owner("clean up for a test", false);
  try {
    heal_journaled();
  } catch (...) {
  }
  try {
    LocalCluster::down();
  } catch (...) {
  }
}

struct NemesisCluster {
  std::unique_ptr<LocalCluster> cluster;
  explicit NemesisCluster(int nodes) {
    heal_and_down();
    ClusterSpec s;
    s.nodes = nodes;
    s.subnet = kTestSubnet;
    cluster = LocalCluster::up(s);
  }
  ~NemesisCluster() {
    cluster.reset();
    try {
      heal_and_down();
    } catch (...) {
    }
  }
};

// The test executable itself, which also hosts the hidden helper cases.
inline std::string self_exe() { return std::filesystem::read_symlink("/proc/self/exe").string(); }

}  // namespace fl::test
