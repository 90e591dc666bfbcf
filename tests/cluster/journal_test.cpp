#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <thread>
#include <vector>

#include "cluster/journal.h"
#include "cluster/local_cluster.h"
#include "tests/skip.h"

using namespace fl;

TEST_CASE("the journal writes, reads, updates and removes a file atomically", "[cluster][no-cluster]") {
  if (!running_as_root() && access("/run", W_OK) != 0) FL_SKIP("/run is not writable");
  const std::string name = "test-journal-" + std::to_string(getpid()) + ".json";
  journal::write(name, {{"a", 1}});
  REQUIRE(journal::read(name));
  CHECK((*journal::read(name))["a"] == 1);
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([&] {
      for (int i = 0; i < 25; ++i) journal::update(name, [](nlohmann::json& j) { j["a"] = j["a"].get<int>() + 1; });
    });
  for (auto& t : ts) t.join();
  CHECK((*journal::read(name))["a"] == 101);
  for (auto& e : std::filesystem::directory_iterator(journal::dir()))
    CHECK(e.path().filename().string().find(".tmp.") == std::string::npos);
  journal::update(name, [](nlohmann::json& j) { j = nullptr; });
  CHECK_FALSE(journal::read(name));
  journal::remove(name);  // absent is fine
}
