#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <string_view>
#include <thread>

#include <catch2/catch.hpp>

#include "harness/recorder.h"
#include "history/format.h"
#include "temp_store.h"

using namespace fl;

TEST_CASE("concurrent clients produce a history in index and time order that reads back paired", "[no-cluster]") {
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

TEST_CASE("every recorded op is on disk before close, line by line", "[no-cluster]") {
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

TEST_CASE("with recording off the recorder counts but writes nothing", "[no-cluster]") {
  Recorder r("");
  OpSpec op{"read", nullptr, std::nullopt};
  r.invoke(0, op, "");
  r.complete(0, op, Completion{OpType::Ok, 3, ""}, "");
  r.close();
  CHECK(r.counts().invoked == 1);
  CHECK(r.counts().ok == 1);
}

TEST_CASE("a failed or indeterminate completion carries the op's argument", "[no-cluster]") {
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

TEST_CASE("while the writer is behind, invocations wait but a completion is recorded at once", "[no-cluster]") {
  // The history goes into a pipe that nobody reads yet: the writer blocks
  // once the pipe is full, and the recorder's queue fills up.
  test::TempStore dir;
  std::filesystem::create_directories(dir.path);
  const std::string path = dir.path + "/history.fifo";
  REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
  const int rd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK);
  REQUIRE(rd >= 0);
  std::string text;
  std::thread reader;
  auto drain = [&] {  // reads the pipe to its end, so everything blocked goes on
    if (reader.joinable()) return;
    reader = std::thread([&] {
      ::fcntl(rd, F_SETFL, ::fcntl(rd, F_GETFL) & ~O_NONBLOCK);
      char buf[1 << 16];
      for (ssize_t n; (n = ::read(rd, buf, sizeof buf)) != 0;)
        if (n > 0) text.append(buf, static_cast<std::size_t>(n));
    });
  };
  const std::int64_t invocations = 3 * static_cast<std::int64_t>(Recorder::kMaxPending);
  {
    Recorder r(path);
    std::thread filler([&r, invocations] {
      for (std::int64_t i = 0; i < invocations; ++i) r.invoke(1, OpSpec{"read", nullptr, std::nullopt}, "n1");
    });
    // Wait until the filler is held back (its count stops moving).
    std::int64_t seen = -1;
    for (int still = 0, rounds = 0; still < 5 && rounds < 600; ++rounds) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      const std::int64_t now = r.counts().invoked;
      still = now == seen ? still + 1 : 0;
      seen = now;
    }
    CHECK(seen < invocations);  // the invocations are held back
    auto completion = std::async(std::launch::async, [&r] {
      r.complete(2, OpSpec{"write", 7, std::nullopt}, Completion{OpType::Ok, 7, ""}, "n1");
    });
    CHECK(completion.wait_for(std::chrono::seconds(20)) == std::future_status::ready);
    drain();
    completion.wait();
    filler.join();
    r.close();
    CHECK(r.error().empty());
  }
  drain();
  reader.join();
  ::close(rd);
  // Every event is there, and the completion precedes the invocations that
  // were still waiting.
  std::size_t lines = 0, completion_line = 0;
  for (std::size_t at = 0, end; (end = text.find('\n', at)) != std::string::npos; at = end + 1) {
    ++lines;
    if (std::string_view(text).substr(at, end - at).find("\"process\":2,") != std::string_view::npos)
      completion_line = lines;
  }
  CHECK(lines == static_cast<std::size_t>(invocations) + 1);
  CHECK(completion_line > 0);
  CHECK(completion_line < lines);
}
