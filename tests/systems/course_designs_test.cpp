// fl-course's raft, lock and 2pc designs without a cluster: three nodes as
// processes on 127.0.0.1 (no namespaces, no root), driven through the
// course clients — a leader is elected and followers relay to it or name
// it; a killed leader is replaced and, restarted on its own data, keeps
// what it acknowledged (and with no-persist forgets it); a follower behind
// the others' snapshots is sent one and restarts from it; the lock store's
// fencing refuses an old token; 2PC moves money and a read sees the total;
// bad options are refused with exit 64 naming the known ones.
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <thread>

#include <catch2/catch.hpp>
#include <unistd.h>

#include "cluster/process.h"
#include "systems/course/bank_client.h"
#include "systems/course/course_client.h"
#include "systems/course/lock_client.h"
#include "systems/http_session.h"
#include "systems/system.h"

using namespace fl;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// N fl-course nodes of one design on 127.0.0.1; SIGKILLed when the test ends.
struct LocalNodes {
  std::string dir = fs::temp_directory_path() / ("fl-course-designs-" + std::to_string(::getpid()));
  int base;
  std::vector<std::string> args;
  std::vector<int> pids;

  LocalNodes(int n, std::vector<std::string> design_args) : args(std::move(design_args)), pids(n, -1) {
    // Ports below the kernel's ephemeral range (32768-60999), where a
    // client connection of anyone on the machine can hold one: a node that
    // found its port taken never became healthy (a CI run). 10000-18999
    // also stays clear of course_test.cpp's 20000-28999.
    std::random_device rd;
    base = 10000 + static_cast<int>(rd() % 900) * 10;
    fs::remove_all(dir);
    fs::create_directories(dir);
    // A failure here (a node that never becomes healthy) ends the test
    // before the destructor could run: stop what started, then fail.
    try {
      for (int i = 0; i < n; ++i) start(i);
      for (int i = 0; i < n; ++i) wait_healthy(i);
    } catch (...) {
      stop_all();
      throw;
    }
  }
  ~LocalNodes() { stop_all(); }
  void stop_all() noexcept {
    for (int i = 0; i < static_cast<int>(pids.size()); ++i) {
      try {
        kill(i);
      } catch (...) {
      }
    }
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::string name(int i) const { return "n" + std::to_string(i + 1); }
  std::string url(int i) const { return "http://127.0.0.1:" + std::to_string(base + i); }
  void start(int i) {
    std::string peers;
    for (std::size_t k = 0; k < pids.size(); ++k)
      peers += (k ? "," : "") + name(static_cast<int>(k)) + "=127.0.0.1:" + std::to_string(base + static_cast<int>(k));
    Argv argv = {FL_COURSE_BINARY, "--node", name(i), "--listen", "127.0.0.1:" + std::to_string(base + i), "--peers",
                 peers, "--data", dir + "/" + name(i)};
    argv.insert(argv.end(), args.begin(), args.end());
    pids[i] = spawn_daemon(argv, dir + "/" + name(i) + ".log");
  }
  void wait_healthy(int i) {
    for (int k = 0; k < 200 && course_health(url(i), 0.2).is_null(); ++k) std::this_thread::sleep_for(20ms);
    REQUIRE_FALSE(course_health(url(i), 1).is_null());
  }
  void kill(int i) {
    if (pids[i] <= 0) return;
    signal_process(pids[i], SIGKILL);
    stop_process(pids[i], 500ms);
    pids[i] = -1;
  }
  // The node that says it leads, once exactly one does (-1 after `within`).
  int leader(std::chrono::milliseconds within = 10s) {
    auto until = std::chrono::steady_clock::now() + within;
    while (std::chrono::steady_clock::now() < until) {
      int found = -1, count = 0;
      for (int i = 0; i < static_cast<int>(pids.size()); ++i) {
        if (pids[i] <= 0) continue;
        Json h = course_health(url(i), 0.3);
        if (h.is_object() && h.value("role", "") == "leader") {
          found = i;
          ++count;
        }
      }
      if (count == 1) return found;
      std::this_thread::sleep_for(50ms);
    }
    return -1;
  }
};

Completion design_op(Client& c, const std::string& f, Json value = nullptr) {
  return c.invoke(OpSpec{f, std::move(value), std::nullopt});
}

// An op retried while it fails (an election in progress), up to `within`.
Completion retried(Client& c, const std::string& f, Json value, std::chrono::milliseconds within = 5s) {
  auto until = std::chrono::steady_clock::now() + within;
  Completion out = design_op(c, f, value);
  // A read changes nothing, so one left indeterminate (a follower's relay to
  // a leader just killed) is asked again too.
  auto again = [&] { return out.type == OpType::Fail || (f == "read" && out.type == OpType::Info); };
  while (again() && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(50ms);
    out = design_op(c, f, value);
  }
  return out;
}

}  // namespace

TEST_CASE("raft elects one leader, a follower relays to it, or with --followers refuse answers 503 naming it") {
  LocalNodes relay(3, {"--design", "raft"});
  int l = relay.leader();
  REQUIRE(l >= 0);
  int f = (l + 1) % 3;
  CourseClient via_follower({relay.url(f), "register", 2.0});
  REQUIRE(retried(via_follower, "write", 5).type == OpType::Ok);
  CHECK(design_op(via_follower, "read").value == 5);
  CHECK(design_op(via_follower, "cas", Json::array({5, 6})).type == OpType::Ok);
  Completion refused = design_op(via_follower, "cas", Json::array({5, 7}));
  CHECK(refused.type == OpType::Fail);  // 409: applied as a failed compare
  CourseClient set({relay.url(l), "set", 2.0});
  CHECK(design_op(set, "add", 1).type == OpType::Ok);
  CHECK(design_op(set, "read").value == Json::array({1}));

  LocalNodes refuse(3, {"--design", "raft", "--followers", "refuse"});
  int l2 = refuse.leader();
  REQUIRE(l2 >= 0);
  CourseClient follower({refuse.url((l2 + 1) % 3), "register", 2.0});
  Completion c = design_op(follower, "write", 1);
  CHECK(c.type == OpType::Fail);
  CHECK_THAT(c.error, Catch::Contains("leader: " + refuse.name(l2)));
}

TEST_CASE("raft replaces a killed leader, and the old one restarted on its data keeps every acknowledged write") {
  LocalNodes nodes(3, {"--design", "raft"});
  int l = nodes.leader();
  REQUIRE(l >= 0);
  CourseClient set({nodes.url(l), "set", 2.0});
  for (int i = 0; i < 30; ++i) REQUIRE(design_op(set, "add", i).type == OpType::Ok);
  nodes.kill(l);
  int next = nodes.leader();
  REQUIRE(next >= 0);
  CHECK(next != l);
  nodes.start(l);
  nodes.wait_healthy(l);
  // Only the restarted node: kill the other two, and it cannot serve alone;
  // bring one back and the two of them must still hold all 30.
  int other = 3 - l - next;
  nodes.kill(next);
  nodes.kill(other);
  nodes.start(other);
  nodes.wait_healthy(other);
  CourseClient again({nodes.url(l), "set", 2.0});
  Completion r = retried(again, "read", nullptr, 10s);
  REQUIRE(r.type == OpType::Ok);
  CHECK(r.value.size() == 30);
}

TEST_CASE("raft sends its snapshot to a follower that missed the compacted entries, which restarts from its own") {
  LocalNodes nodes(3, {"--design", "raft", "--snapshot-entries", "20"});
  int l = nodes.leader();
  REQUIRE(l >= 0);
  int f = (l + 1) % 3;
  nodes.kill(f);
  CourseClient set({nodes.url(l), "set", 2.0});
  for (int i = 0; i < 60; ++i) REQUIRE(design_op(set, "add", i).type == OpType::Ok);
  nodes.start(f);
  nodes.wait_healthy(f);
  auto snapshot_of = [&](int i) {
    Json h = course_health(nodes.url(i), 0.5);
    return h.is_object() ? h.value("snapshot", std::uint64_t{0}) : 0;
  };
  for (int k = 0; k < 100 && snapshot_of(f) == 0; ++k) std::this_thread::sleep_for(50ms);
  CHECK(snapshot_of(f) > 20);
  std::ifstream log(nodes.dir + "/" + nodes.name(f) + ".log");
  std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  CHECK(text.find("installed the snapshot") != std::string::npos);
  // Restarted, it loads that snapshot; with the leader gone it and the
  // third node still hold all 60.
  nodes.kill(f);
  nodes.start(f);
  nodes.wait_healthy(f);
  CHECK(snapshot_of(f) > 20);
  nodes.kill(l);
  CourseClient again({nodes.url(f), "set", 2.0});
  Completion r = retried(again, "read", nullptr, 10s);
  REQUIRE(r.type == OpType::Ok);
  CHECK(r.value.size() == 60);
}

TEST_CASE("raft with no-persist forgets everything when a majority restarts") {
  LocalNodes nodes(3, {"--design", "raft", "--bug", "no-persist"});
  int l = nodes.leader();
  REQUIRE(l >= 0);
  CourseClient set({nodes.url(l), "set", 2.0});
  for (int i = 0; i < 10; ++i) REQUIRE(design_op(set, "add", i).type == OpType::Ok);
  for (int i = 0; i < 3; ++i) nodes.kill(i);
  for (int i = 0; i < 3; ++i) nodes.start(i);
  for (int i = 0; i < 3; ++i) nodes.wait_healthy(i);
  CourseClient again({nodes.url(0), "set", 2.0});
  Completion r = retried(again, "read", nullptr, 10s);
  REQUIRE(r.type == OpType::Ok);
  CHECK(r.value == Json::array());
}

TEST_CASE("the lock store keeps every write's token in its log, and with fencing refuses an older token") {
  for (bool fencing : {false, true}) {
    std::vector<std::string> args = {"--design", "lock"};
    if (fencing) args.push_back("--fencing");
    LocalNodes nodes(3, args);
    LockClient a(nodes.url(1), 2.0), b(nodes.url(2), 2.0);
    Json first = {{"lock", "L"}, {"client", "c1"}, {"ttl_ms", 150}, {"wait_ms", 0}};
    Completion got1 = design_op(a, "acquire", first);
    REQUIRE(got1.type == OpType::Ok);
    CHECK(design_op(b, "acquire", {{"lock", "L"}, {"client", "c2"}, {"ttl_ms", 150}, {"wait_ms", 0}}).type == OpType::Fail);
    Completion got2 = design_op(b, "acquire", {{"lock", "L"}, {"client", "c2"}, {"ttl_ms", 150}, {"wait_ms", 1000}});
    REQUIRE(got2.type == OpType::Ok);  // once c1's lease ran out
    std::int64_t t1 = got1.value["token"], t2 = got2.value["token"];
    CHECK(t2 > t1);
    CHECK(design_op(b, "write", {{"key", "k"}, {"client", "c2"}, {"token", t2}, {"value", 2}}).type == OpType::Ok);
    Completion late = design_op(a, "write", {{"key", "k"}, {"client", "c1"}, {"token", t1}, {"value", 1}});
    CHECK(late.type == (fencing ? OpType::Fail : OpType::Ok));
    CHECK(design_op(a, "release", {{"lock", "L"}, {"client", "c1"}, {"token", t1}}).type == OpType::Fail);
    Completion log = design_op(a, "read", {{"key", "k"}});
    REQUIRE(log.type == OpType::Ok);
    Json expect = Json::array({Json::array({"c2", t2})});
    if (!fencing) expect.push_back(Json::array({"c1", t1}));
    CHECK(log.value["log"] == expect);
  }
}

TEST_CASE("2pc moves money between participants, refuses an overdraft, and every read sees the same total") {
  for (bool saga : {false, true}) {
    std::vector<std::string> args = {"--design", "2pc"};
    if (saga) args.push_back("--saga");
    LocalNodes nodes(3, args);
    BankClient c(nodes.url(2), 3.0);
    Completion before = design_op(c, "read");
    REQUIRE(before.type == OpType::Ok);
    CHECK(before.value.size() == 8);
    CHECK(design_op(c, "transfer", {{"from", 0}, {"to", 1}, {"amount", 4}}).type == OpType::Ok);  // two participants
    CHECK(design_op(c, "transfer", {{"from", 1}, {"to", 3}, {"amount", 2}}).type == OpType::Ok);  // one participant
    Completion over = design_op(c, "transfer", {{"from", 0}, {"to", 2}, {"amount", 7}});
    CHECK(over.type == OpType::Fail);
    CHECK_THAT(over.error, Catch::Contains("insufficient funds"));
    Completion after = design_op(c, "read");
    REQUIRE(after.type == OpType::Ok);
    std::int64_t total = 0;
    for (const auto& [a, b] : after.value.items()) total += b.get<std::int64_t>();
    CHECK(total == 80);
    CHECK(after.value["0"] == 6);
    CHECK(after.value["1"] == 12);
    CHECK(after.value["3"] == 12);
  }
}

TEST_CASE("2pc with non-idempotent-commit applies a transfer again for a commit heard twice, and without the bug only once") {
  for (bool bug : {false, true}) {
    std::vector<std::string> args = {"--design", "2pc"};
    if (bug) args.insert(args.end(), {"--bug", "non-idempotent-commit"});
    LocalNodes nodes(3, args);
    HttpSession http(3.0);
    // As the coordinator would: account 0 is on n2, account 1 on n3; both
    // vote yes, both hear the commit, and n3 hears it again (a redelivery
    // after its first answer was late).
    const std::string prepare = R"({"txid": "t-twice", "deltas": {"0": -1, "1": 1}})";
    const std::string commit = R"({"txid": "t-twice"})";
    for (int n : {1, 2}) REQUIRE(http.post(nodes.url(n) + "/peer/2pc/prepare", prepare).status == 200);
    for (int n : {1, 2, 2}) CHECK(http.post(nodes.url(n) + "/peer/2pc/commit", commit).status == 200);
    BankClient c(nodes.url(0), 3.0);
    Completion after = design_op(c, "read");
    REQUIRE(after.type == OpType::Ok);
    std::int64_t total = 0;
    for (const auto& [a, b] : after.value.items()) total += b.get<std::int64_t>();
    INFO("bug " << bug);
    CHECK(after.value["0"] == 9);
    CHECK(after.value["1"] == (bug ? 12 : 11));
    CHECK(total == (bug ? 81 : 80));
  }
}

TEST_CASE("the raft, lock and 2pc designs refuse a bad option with exit 64, naming the known ones", "[no-cluster]") {
  RunResult r = run_process({FL_COURSE_BINARY, "--design", "raft", "--bug", "nope", "--describe"});
  CHECK(r.exit_code == 64);
  CHECK_THAT(r.err, Catch::Contains("stale-read, early-ack, no-persist"));
  r = run_process({FL_COURSE_BINARY, "--design", "lock", "--redlock", "many", "--describe"});
  CHECK(r.exit_code == 64);
  CHECK_THAT(r.err, Catch::Contains("--redlock needs a whole number"));
  r = run_process({FL_COURSE_BINARY, "--design", "2pc", "--bug", "nope", "--describe"});
  CHECK(r.exit_code == 64);
  CHECK_THAT(r.err, Catch::Contains("unilateral-abort"));
  r = run_process({FL_COURSE_BINARY, "--design", "2pc", "--sagas", "--describe"});
  CHECK(r.exit_code == 64);
  CHECK_THAT(r.err, Catch::Contains("unknown option --sagas for design 2pc") && Catch::Contains("--saga"));
  r = run_process({FL_COURSE_BINARY, "--design", "lock", "--redlock", "5", "--node", "n1", "--listen", "127.0.0.1:1",
                   "--peers", "n1=127.0.0.1:1", "--data", "/tmp/fl-course-redlock-refused"});
  CHECK(r.exit_code == 64);
  CHECK_THAT(r.err, Catch::Contains("--redlock 5 needs as many nodes"));
  CHECK_THROWS_WITH(make_system("course", {{"binary", FL_COURSE_BINARY}, {"design", "raft"}, {"bug", "stale"}}),
                    Catch::Contains("stale-read, early-ack, no-persist"));
  auto lock = make_system("course", {{"binary", FL_COURSE_BINARY}, {"design", "lock"}});
  CHECK(lock->workloads() == std::vector<std::string>{"lock"});
  auto bank = make_system("course", {{"binary", FL_COURSE_BINARY}, {"design", "2pc"}});
  CHECK(bank->workloads() == std::vector<std::string>{"bank"});
  // The bank's accounts and total are the design's own, as --describe says them.
  CHECK(bank->workload_defaults("bank") == Json{{"accounts", 8}, {"total", 80}});
}
