#include <filesystem>
#include <fstream>
#include <thread>

#include <catch2/catch.hpp>

#include "harness/recorder.h"
#include "history/format.h"
#include "temp_store.h"

using namespace fl;

TEST_CASE("concurrent clients produce a history in index and time order that reads back paired") {
  test::TempStore dir;
  std::filesystem::create_directories(dir.path);
  std::string path = dir.path + "/history.jsonl";
  {
    Recorder r(path);
    std::vector<std::thread> ts;
    for (int p = 0; p < 8; ++p)
      ts.emplace_back([&r, p] {
        for (int i = 0; i < 2000; ++i) {
          OpSpec op{"write", i, std::nullopt};
          r.invoke(p, op, "n1");
          r.complete(p, op, Completion{i % 3 == 0 ? OpType::Fail : OpType::Ok, i, ""}, "n1");
        }
      });
    r.nemesis(NemesisEvent{"start-partition", {{"n1", {"n2"}}}});
    for (auto& t : ts) t.join();
    r.close();
    CHECK(r.error().empty());
    OutcomeCounts c = r.counts();
    CHECK(c.invoked == 16000);
    CHECK(c.ok + c.fail == 16000);
  }
  History h = read_history(path, Format::Jsonl);
  REQUIRE(h.size() == 32001);
  CHECK(h.pairs().size() == 16000);
  std::int64_t last_time = -1;
  for (std::size_t i = 0; i < h.size(); ++i) {
    CHECK(h[i].index == static_cast<std::int64_t>(i));
    CHECK(h[i].time >= last_time);
    last_time = h[i].time;
  }
  bool saw_nemesis = false;
  for (const Op& op : h.ops()) saw_nemesis |= op.is_nemesis() && op.type == OpType::Info && op.f == "start-partition";
  CHECK(saw_nemesis);
}

TEST_CASE("every recorded op is on disk before close, line by line") {
  test::TempStore dir;
  std::filesystem::create_directories(dir.path);
  std::string path = dir.path + "/history.jsonl";
  Recorder r(path);
  OpSpec op{"read", nullptr, Json(7)};
  r.invoke(0, op, "");
  r.complete(0, op, Completion{OpType::Info, nullptr, "timeout"}, "");
  // The writer thread flushes each op as it goes; wait for it without closing.
  std::string text;
  for (int i = 0; i < 200 && std::count(text.begin(), text.end(), '\n') < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::ifstream in(path);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  CHECK(std::count(text.begin(), text.end(), '\n') == 2);
  CHECK(text.find("\"key\":7") != std::string::npos);
  CHECK(text.find("\"error\":\"timeout\"") != std::string::npos);
}

TEST_CASE("with recording off the recorder counts but writes nothing") {
  Recorder r("");
  OpSpec op{"read", nullptr, std::nullopt};
  r.invoke(0, op, "");
  r.complete(0, op, Completion{OpType::Ok, 3, ""}, "");
  r.close();
  CHECK(r.counts().invoked == 1);
  CHECK(r.counts().ok == 1);
}

TEST_CASE("a failed or indeterminate completion carries the op's argument") {
  test::TempStore dir;
  std::filesystem::create_directories(dir.path);
  std::string path = dir.path + "/history.jsonl";
  {
    Recorder r(path);
    OpSpec cas{"cas", Json::array({1, 2}), std::nullopt};
    r.invoke(0, cas, "n1");
    r.complete(0, cas, Completion{OpType::Fail, nullptr, "compare failed"}, "n1");
  }
  History h = read_history(path, Format::Jsonl);
  REQUIRE(h.size() == 2);
  CHECK(h[1].value == Json::array({1, 2}));
  CHECK(h[1].error == "compare failed");
}
