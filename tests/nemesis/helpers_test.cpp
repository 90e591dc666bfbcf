// Helpers that need a process of their own: the test executable re-runs
// itself with FL_TEST_HELPER set, and this file's static initializer turns
// that process into the helper before Catch's main ever runs — a server to
// freeze, and a faultline process to SIGKILL while its faults are applied.
// (Not TEST_CASEs: ctest's discovery would list and run them.)
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <thread>

#include "../cluster/netns_probe.h"
#include "cluster/local_cluster.h"
#include "nemesis/nemesis.h"

namespace {

using namespace fl;

[[noreturn]] void serve_forever() {
  while (true) std::this_thread::sleep_for(std::chrono::seconds(1));
}

void greeter() {
  const char* port = std::getenv("FL_HELPER_PORT");
  if (!port) std::_Exit(2);
  test::TcpGreeter g("", std::atoi(port));
  serve_forever();
}

void apply_faults_then_wait() {
  auto cluster = LocalCluster::existing();
  if (!cluster) std::_Exit(2);
  std::mt19937_64 rng(1);
  NemesisContext ctx{cluster->hosts(), nullptr, &rng};
  std::vector<std::unique_ptr<Nemesis>> active;
  active.push_back(make_nemesis("partition-halves"));
  active.push_back(make_nemesis("loss", {{"loss", 20}}));
  active.push_back(make_nemesis("rate"));
  active.push_back(make_nemesis("clock", {{"target", "n1"}, {"offset_s", 30}}));
  active.push_back(make_nemesis("pause", {{"target", "n2"}}));
  for (auto& n : active) n->start(ctx);
  std::ofstream(std::getenv("FL_HELPER_READY")) << "ready\n";
  serve_forever();
}

bool run_helper_if_asked() {
  const char* which = std::getenv("FL_TEST_HELPER");
  if (!which) return false;
  try {
    if (std::string(which) == "greeter") greeter();
    if (std::string(which) == "crash") apply_faults_then_wait();
  } catch (...) {
    std::_Exit(3);
  }
  std::_Exit(2);
}

const bool helper_ran = run_helper_if_asked();

}  // namespace
