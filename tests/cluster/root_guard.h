// For tests that need root: FL_REQUIRE_ROOT() (tests/skip.h) reports the
// test skipped when not root (CI runs as root), and ClusterGuard removes any
// faultline cluster at the start and again at the end, even when the test
// fails — except one whose owner, another process, still runs: the start
// then fails naming it.
#pragma once

#include <catch2/catch.hpp>

#include "cluster/local_cluster.h"
#include "tests/skip.h"


namespace fl::test {

constexpr const char* kTestSubnet = "10.213.91.0/24";

inline std::string test_address(int node) { return "10.213.91." + std::to_string(10 + node); }

struct ClusterGuard {
  ClusterGuard() { LocalCluster::down(); }
  ~ClusterGuard() {
    try {
      LocalCluster::down();
    } catch (...) {
    }
  }
};

}  // namespace fl::test
