// Config files for `faultline test --config`: TOML through CLI11's reader or
// JSON (a run's test.json), flags on the command line winning, K=V sections,
// unknown keys refused; and every example under examples/ is a valid config.
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "cluster/process.h"
#include "harness/commands.h"
#include "harness/config_file.h"
#include "history/error.h"
#include "temp_store.h"

using namespace fl;
namespace fs = std::filesystem;

namespace {

struct Flags {
  CLI::App app{"test"};
  std::string system, key;
  double time_limit = 60;
  std::vector<std::string> nemesis, opt, schedule;
  bool strict = false;
  Flags() {
    app.add_option("--system", system);
    app.add_option("--time-limit", time_limit);
    app.add_option("--nemesis", nemesis)->delimiter(',');
    app.add_option("--schedule", schedule);
    app.add_option("--opt", opt);
    app.add_option("--ssh-key", key);
    app.add_flag("--ssh-strict-host-keys", strict);
    app.add_option("--config");
  }
  void parse(std::vector<std::string> args) {
    std::reverse(args.begin(), args.end());
    app.parse(args);
  }
};

std::string write(const test::TempStore& dir, const std::string& name, const std::string& text) {
  fs::create_directories(dir.path);
  std::string path = dir.path + "/" + name;
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("a TOML config sets flags by their long names, sections included, and the command line wins", "[no-cluster]") {
  test::TempStore dir;
  std::string f = write(dir, "c.toml",
                        "system = \"etcd\"\ntime_limit = 30\nnemesis = [\"partition\", \"kill\"]\n"
                        "schedule = [\"5s quiet\", \"10s kill target=n2\"]\n"
                        "[ssh]\nkey = \"/k\"\nstrict_host_keys = true\n[opt]\nwait = 1\n");
  Flags fl;
  fl.parse({"--time-limit", "7", "--opt", "down-after-ms=500"});
  apply_config_file(fl.app, f, {"opt"}, {});
  CHECK(fl.system == "etcd");
  CHECK(fl.time_limit == 7);  // given on the command line
  CHECK(fl.nemesis == std::vector<std::string>{"partition", "kill"});
  CHECK(fl.schedule == std::vector<std::string>{"5s quiet", "10s kill target=n2"});
  CHECK(fl.key == "/k");
  CHECK(fl.strict);
  // K=V options merge; the command line's words come last, so they win.
  CHECK(fl.opt == std::vector<std::string>{"wait=1", "down-after-ms=500"});
}

TEST_CASE("a JSON config (a run's test.json) sets the same flags, objects becoming K=V words, recorded keys ignored", "[no-cluster]") {
  test::TempStore dir;
  std::string f = write(dir, "test.json",
                        R"({"system": "redis", "time_limit": 30.0, "nemesis": [], "opt": {"wait": 2, "data-root": "/x"},
                            "ssh_strict_host_keys": false, "model": "cas-register", "checkers": ["set"]})");
  Flags fl;
  fl.parse({});
  apply_config_file(fl.app, f, {"opt"}, {"model", "checkers", "init"});
  CHECK(fl.system == "redis");
  CHECK(fl.time_limit == 30);
  CHECK(fl.nemesis.empty());
  CHECK(fl.opt == std::vector<std::string>{"data-root=/x", "wait=2"});
  CHECK_FALSE(fl.strict);
}

TEST_CASE("a config key that is no setting is a usage error naming the file, bad JSON is bad input with its line", "[no-cluster]") {
  test::TempStore dir;
  Flags fl;
  fl.parse({});
  std::string f = write(dir, "bad.toml", "system = \"etcd\"\nsytem = \"x\"\n");
  CHECK_THROWS_AS(apply_config_file(fl.app, f, {"opt"}, {}), UsageError);
  CHECK_THROWS_WITH(apply_config_file(fl.app, f, {"opt"}, {}), Catch::Contains("bad.toml") && Catch::Contains("sytem"));
  std::string j = write(dir, "bad.json", "{\n  \"system\": \"etcd\",\n  \"time_limit\": ,\n}\n");
  try {
    apply_config_file(fl.app, j, {"opt"}, {});
    FAIL("no error");
  } catch (const BadInput& e) {
    CHECK(e.line() == 3);
    CHECK_THAT(e.what(), Catch::Contains("bad.json"));
  }
  CHECK_THROWS_AS(apply_config_file(fl.app, dir.path + "/missing.toml", {"opt"}, {}), UsageError);
}

TEST_CASE("every example config under examples/ names only settings of `faultline test`", "[no-cluster]") {
  RunResult list = run_process({FL_BINARY, "list"});
  int checked = 0;
  for (const auto& e : fs::directory_iterator(std::string(FL_SOURCE_DIR) + "/examples")) {
    if (e.path().extension() != ".toml") continue;
    std::ifstream in(e.path());
    std::string text((std::istreambuf_iterator<char>(in)), {});
    auto at = text.find("\nsystem = \"");
    REQUIRE(at != std::string::npos);
    std::string system = text.substr(at + 11, text.find('"', at + 11) - at - 11);
    if (list.out.find("  " + system + " ") == std::string::npos) {
      WARN(e.path().filename().string() << ": system " << system << " is not built here; not checked");
      continue;
    }
    // --time-limit 0 stops the run right after the config is read.
    RunResult r = run_process({FL_BINARY, "test", "--config", e.path().string(), "--time-limit", "0"});
    INFO(e.path() << ": " << r.err);
    CHECK(r.exit_code == 64);
    CHECK_THAT(r.err, Catch::Contains("needs a --time-limit"));
    ++checked;
  }
  CHECK(checked >= 4);
}
