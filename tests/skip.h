// FL_SKIP(reason): ends the current test case as *skipped*. It prints the
// marker "FL-SKIPPED: <reason>" and returns; ctest's SKIP_REGULAR_EXPRESSION
// (tests/CMakeLists.txt) turns the marker into a skipped test, so a test that
// could not run here is never counted as passed. Run directly, the test
// binary carries on with the next case.
// FL_REQUIRE_ROOT(): FL_SKIP unless running as root (network namespaces,
// iptables). CI runs as root, so there every such test runs.
#pragma once

#include <iostream>

#include "cluster/local_cluster.h"

#define FL_SKIP(reason)                                                  \
  do {                                                                   \
    std::cout << "FL-SKIPPED: " << (reason) << std::endl;                \
    return;                                                              \
  } while (0)

#define FL_REQUIRE_ROOT()                                                                    \
  do {                                                                                       \
    if (!fl::running_as_root()) FL_SKIP("this test needs root (network namespaces, iptables)"); \
  } while (0)
