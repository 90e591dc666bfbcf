// For nemesis tests that need root: a cluster on the test subnet, with every
// journaled fault healed and the cluster removed at the start and at the end
// (RAII), so a failing test leaves the machine clean.
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

inline void heal_and_down() {
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
    heal_and_down();
  }
};

// The test executable itself, which also hosts the hidden helper cases.
inline std::string self_exe() { return std::filesystem::read_symlink("/proc/self/exe").string(); }

}  // namespace fl::test
