// A server under test that fails on its own — it exits at startup, or never
// answers its health check — ends `faultline test` with 64 (the system's
// failure, as DESIGN gives environment and system failures), never 70 (the
// code of faultline's own bugs), with one sentence naming the node's log.
// Needs root (a local cluster).
#include <filesystem>
#include <fstream>
#include <string>
#include <tuple>

#include <catch2/catch.hpp>

#include "cluster/process.h"
#include "e2e_support.h"
#include "temp_store.h"
#include "tests/skip.h"

using namespace fl;
using namespace fl::test;

namespace {

constexpr const char* kDataRoot = "/tmp/faultline-http-startup-e2e";

// A student's server: a shell script with this body.
std::string server(const TempStore& store, const std::string& name, const std::string& body) {
  std::string path = store.path + "-" + name;
  std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
  std::filesystem::permissions(path, std::filesystem::perms::owner_all);
  return path;
}

RunResult run_http(const std::string& bin, const TempStore& store) {
  return run_process({FL_BINARY, "test", "--system", "http", "--bin", bin, "--workload", "register", "--nodes", "1",
                      "--time-limit", "5", "--no-progress", "--no-plots", "--store", store.path, "--opt",
                      std::string("data-root=") + kDataRoot, "--opt", "healthy-within-s=2"},
                     {std::chrono::seconds(120), {}, {}});
}

}  // namespace

TEST_CASE("a server under test that exits at startup or never answers /health ends the run with 64 and its log") {
  FL_REQUIRE_ROOT();
  ClusterGuard guard;
  TempStore store;
  RemoveDir data{kDataRoot};
  for (const auto& [name, body, says] :
       {std::tuple<std::string, std::string, std::string>{"exits", "echo 'cannot bind' >&2\nexit 3",
                                                          "exited during startup"},
        {"silent", "exec sleep 600", "did not answer GET /health within 2 s"}}) {
    INFO(name);
    std::string bin = server(store, name, body);
    RemoveDir remove_bin{bin};
    RunResult r = run_http(bin, store);
    CHECK(r.exit_code == 64);
    CHECK(r.err.find(says) != std::string::npos);
    CHECK(r.err.find(std::string(kDataRoot) + "/n1.log") != std::string::npos);
    CHECK(r.err.find("internal") == std::string::npos);
    CHECK(lines_with({"ip", "netns", "list"}, "fl-").empty());
    CHECK(processes_using(bin).empty());
  }
}
