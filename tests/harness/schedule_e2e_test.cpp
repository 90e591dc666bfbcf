// A phased nemesis schedule from a TOML config file: the nemesis events land
// in the history in the order and at the times the file says (±1 s), and
// `--config <run>/test.json` repeats the run's settings. Needs root (etcd in
// namespaces).
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "cluster/local_cluster.h"
#include "cluster/process.h"
#include "history/format.h"
#include "tests/skip.h"
#include "e2e_support.h"
#include "temp_store.h"

using namespace fl;
namespace fs = std::filesystem;

TEST_CASE("a config file's phased schedule puts the nemesis events in the history in order, at the times it says") {
  FL_REQUIRE_ROOT();
  test::ClusterGuard guard;
  test::TempStore store;
  const std::string data_root = "/tmp/faultline-etcd-schedule-e2e";
  test::RemoveDir remove_data{data_root};
  fs::create_directories(store.path);
  std::string config = store.path + "/schedule.toml";
  std::ofstream(config) << "system = \"etcd\"\nworkload = \"register\"\n"
                        << "time_limit = 11\nconcurrency = 4\nquiet_period = 1\nseed = 7\n"
                        << "store = \"" << store.path << "\"\n"
                        << "schedule = [\"2s quiet\", \"3s partition-halves\", \"2s quiet\", \"3s kill target=n2\"]\n"
                        << "[opt]\ndata-root = \"" << data_root << "\"\n";
  RunResult r = run_process({FL_BINARY, "test", "--config", config, "--no-progress", "--no-plots"}, {std::chrono::seconds(120), {}, {}});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);

  fs::path run = fs::canonical(store.path + "/latest");
  History h = read_history((run / "history.jsonl").string(), Format::Jsonl);
  std::vector<std::pair<std::string, double>> events;
  for (const Op& op : h.ops())
    if (op.is_nemesis()) events.emplace_back(op.f, static_cast<double>(op.time) / 1e9);
  REQUIRE(events.size() == 4);
  std::vector<std::pair<std::string, double>> want = {
      {"start-partition", 2}, {"stop-partition", 5}, {"start-kill", 7}, {"stop-kill", 10}};
  for (size_t i = 0; i < want.size(); ++i) {
    INFO(events[i].first << " at " << events[i].second << " s");
    CHECK(events[i].first == want[i].first);
    CHECK(std::abs(events[i].second - want[i].second) <= 1.0);
  }

  // test.json holds the resolved settings; as a config it repeats the run.
  nlohmann::json settings = nlohmann::json::parse(std::ifstream(run / "test.json"));
  CHECK(settings["schedule"].size() == 4);
  CHECK(settings["seed"] == 7);
  CHECK(settings["opt"]["data-root"] == data_root);
  r = run_process({FL_BINARY, "test", "--config", (run / "test.json").string(), "--store", store.path + "/again",
                   "--time-limit", "6", "--no-progress", "--no-plots"},
                  {std::chrono::seconds(120), {}, {}});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  fs::path again = fs::canonical(store.path + "/again/latest");
  nlohmann::json repeated = nlohmann::json::parse(std::ifstream(again / "test.json"));
  repeated["time_limit"] = settings["time_limit"];  // the one flag given on the command line
  CHECK(repeated == settings);
}
