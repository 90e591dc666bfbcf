// Knobs that cannot be misspelt: an --opt or --workload-opt key the system or
// workload does not know is a usage error (64) naming the known ones, knobs
// are spelt with dashes, `faultline list` names them, and the help of
// `check --memory-limit` says what 0 means. No root: every refusal comes
// before a cluster exists.
#include <algorithm>
#include <string>

#include <catch2/catch.hpp>

#include "cluster/process.h"
#include "temp_store.h"

using namespace fl;

namespace {

RunResult faultline(Argv args) {
  args.insert(args.begin(), FL_BINARY);
  return run_process(args, {std::chrono::seconds(60), {}, {}});
}

Argv memory_run(const fl::test::TempStore& store, Argv more) {
  Argv a = {"test", "--system", "memory", "--workload", "register", "--ops-limit", "20", "--no-progress", "--no-plots",
            "--store", store.path};
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

}  // namespace

TEST_CASE("an unknown --workload-opt key is a usage error naming the workload's knobs", "[no-cluster]") {
  test::TempStore store;
  RunResult r = faultline(memory_run(store, {"--workload-opt", "no-such-knob=1"}));
  CHECK(r.exit_code == 64);
  CHECK(r.err.find("unknown --workload-opt \"no-such-knob\" for the register workload (known: mix, values, sessions)") !=
        std::string::npos);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK_FALSE(std::filesystem::exists(store.path));  // refused before the store was made
}

TEST_CASE("a knob spelt with underscores is refused, and the sentence names its spelling with dashes", "[no-cluster]") {
  test::TempStore store;
  // The bank workload is refused for its knob before the memory system is
  // found not to run it: the knob is checked where the workload is made.
  Argv a = {"test", "--system", "memory", "--workload", "bank", "--ops-limit", "20", "--no-progress", "--no-plots",
            "--store", store.path, "--workload-opt", "read_fraction=0.1"};
  RunResult r = faultline(a);
  CHECK(r.exit_code == 64);
  CHECK(r.err.find("unknown --workload-opt \"read_fraction\" for the bank workload (known: accounts, total, "
                   "max-transfer, read-fraction); names are spelt with dashes: read-fraction") != std::string::npos);
}

TEST_CASE("an unknown --opt key is a usage error naming the system's knobs", "[no-cluster]") {
  test::TempStore store;
  RunResult r = faultline(memory_run(store, {"--opt", "latency_us=5"}));
  CHECK(r.exit_code == 64);
  CHECK(r.err.find("unknown --opt \"latency_us\" for the memory system (known: bug, latency-us, lost-replies)") !=
        std::string::npos);
  // Accepted when spelt right. No cas in the mix: in a 20-op run the two or
  // three cas attempts may all lose their race, and `stats` would then rightly
  // call the run invalid for a reason that is not this test's.
  r = faultline(memory_run(store, {"--opt", "latency-us=5", "--workload-opt", R"(mix={"read":1,"write":1,"cas":0})"}));
  INFO(r.err);
  CHECK(r.exit_code == 0);
}

TEST_CASE("the help says knobs are spelt with dashes, and list names each system's and workload's knobs", "[no-cluster]") {
  RunResult help = faultline({"test", "--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("Knobs are spelt with dashes") != std::string::npos);
  RunResult list = faultline({"list"});
  CHECK(list.exit_code == 0);
  CHECK(list.out.find("--workload-opt: accounts, total, max-transfer, read-fraction") != std::string::npos);
  CHECK(list.out.find("--opt: bug, latency-us, lost-replies") != std::string::npos);
}

TEST_CASE("check --memory-limit's help says what 0 means: a quarter of the machine's memory", "[no-cluster]") {
  RunResult help = faultline({"check", "--help"});
  CHECK(help.exit_code == 0);
  const auto at = help.out.find("--memory-limit");
  REQUIRE(at != std::string::npos);
  const std::string line = help.out.substr(at, help.out.find('\n', at) - at);
  CHECK(line.find("0 = a quarter of this machine's memory") != std::string::npos);
  CHECK(line.find("(0 = none)") == std::string::npos);
}
