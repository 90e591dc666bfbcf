#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <thread>

#include "history/wire_log.h"

using namespace fl;

namespace {

std::string temp_path(const char* name) {
  return (std::filesystem::temp_directory_path() / (std::string("fl-wire-") + name + "-" + std::to_string(::getpid())))
      .string();
}

}  // namespace

TEST_CASE("the wire log keeps each exchange under the op whose worker made it, on the history's clock", "[history]") {
  const std::string path = temp_path("ops");
  auto start = std::chrono::steady_clock::now();
  {
    WireLog log(path, start);
    WireLog::set_active(&log);
    wire_exchange(start, start, "outside any op", "dropped");  // no scope: not an op's
    {
      WireScope scope(3, 17, "n2");
      CHECK(wire_recording());
      wire_exchange(start + std::chrono::milliseconds(5), start + std::chrono::milliseconds(7), "BEGIN", "OK");
      wire_exchange(start + std::chrono::milliseconds(8), std::nullopt, "COMMIT", "connection lost: reset");
    }
    CHECK_FALSE(wire_recording());
    std::thread([&] {
      WireScope scope(4, 20, "n1");
      wire_exchange(start, start, std::string(5000, 'x'), "é" + std::string(5000, 'y'));
    }).join();
    WireLog::set_active(nullptr);
    {
      WireScope scope(5, 30, "n3");
      CHECK_FALSE(wire_recording());  // no active log: nothing is built or kept
      wire_exchange(start, start, "lost", "lost");
    }
    CHECK(log.exchanges() == 3);
    CHECK_FALSE(log.truncated());
  }
  auto all = read_wire_log(path, {});
  REQUIRE(all.size() == 2);
  REQUIRE(all[17].size() == 2);
  CHECK(all[17][0].process == 3);
  CHECK(all[17][0].node == "n2");
  CHECK(all[17][0].sent == 5000000);
  CHECK(*all[17][0].answered == 7000000);
  CHECK(all[17][0].request == "BEGIN");
  CHECK_FALSE(all[17][1].answered.has_value());
  CHECK(all[17][1].answer == "connection lost: reset");
  CHECK(all[20][0].request.size() == WireLog::kMaxText + std::string("…").size());  // cut, and says so
  CHECK(all[20][0].answer.substr(0, 2) == "é");
  auto one = read_wire_log(path, {20});
  CHECK(one.size() == 1);
  CHECK(one.count(20) == 1);
  std::filesystem::remove(path);
}

TEST_CASE("the wire log stops at its byte limit and says it was cut", "[history]") {
  const std::string path = temp_path("limit");
  auto start = std::chrono::steady_clock::now();
  {
    WireLog log(path, start, 1000);
    WireLog::set_active(&log);
    WireScope scope(1, 1, "n1");
    for (int i = 0; i < 50; ++i) wire_exchange(start, start, "SET k " + std::to_string(i), "OK");
    WireLog::set_active(nullptr);
    CHECK(log.truncated());
    CHECK(log.exchanges() < 50);
    CHECK(std::filesystem::file_size(path) <= 1000);
  }
  CHECK(read_wire_log(path, {}).at(1).size() > 0);
  CHECK(read_wire_log(temp_path("absent"), {}).empty());
  std::filesystem::remove(path);
}
