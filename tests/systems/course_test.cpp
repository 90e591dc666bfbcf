// fl-course and its client without a cluster: one node on 127.0.0.1, driven
// through CourseClient, checks the protocol, the outcome rules of COURSE.md,
// restart on the node's own data, and refusals of bad designs and options.
// A stand-in server inside the test answers garbage, so the client's
// classification of a student's broken server is checked too.
#include <chrono>
#include <csignal>
#include <filesystem>
#include <random>
#include <set>
#include <thread>

#include <catch2/catch.hpp>
#include <httplib.h>

#include "cluster/process.h"
#include "systems/course/course_client.h"
#include "systems/system.h"

using namespace fl;
namespace fs = std::filesystem;

namespace {

int free_port() {
  std::random_device rd;
  return 20000 + static_cast<int>(rd() % 9000);
}

// One fl-course node on 127.0.0.1, killed (SIGKILL) when the test ends.
struct LocalNode {
  std::string dir = fs::temp_directory_path() / ("fl-course-test-" + std::to_string(::getpid()));
  int port = free_port();
  int pid = -1;
  std::string design;
  std::vector<std::string> extra;

  explicit LocalNode(std::string d, std::vector<std::string> args = {}) : design(std::move(d)), extra(std::move(args)) {
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~LocalNode() {
    stop();
    fs::remove_all(dir);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }
  void start() {
    std::string me = "127.0.0.1:" + std::to_string(port);
    Argv argv = {FL_COURSE_BINARY, "--design", design, "--node", "n1", "--listen", me, "--peers", "n1=" + me,
                 "--data", dir + "/n1"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    pid = spawn_daemon(argv, dir + "/n1.log");
    for (int i = 0; i < 100 && course_health(url(), 0.2).is_null(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    REQUIRE_FALSE(course_health(url(), 1).is_null());
  }
  void stop() {
    if (pid > 0) {
      signal_process(pid, SIGKILL);
      stop_process(pid, std::chrono::milliseconds(500));
    }
    pid = -1;
  }
};

Completion run(Client& c, const std::string& f, Json value = nullptr) { return c.invoke(OpSpec{f, std::move(value), std::nullopt}); }

}  // namespace

TEST_CASE("fl-course names the known designs and flags when given an unknown one, and exits 64", "[no-cluster]") {
  RunResult r = run_process({FL_COURSE_BINARY, "--design", "no-such-design", "--describe"});
  CHECK(r.exit_code == 64);
  CHECK_THAT(r.err, Catch::Contains("unknown design \"no-such-design\"") && Catch::Contains("known: single"));
  r = run_process({FL_COURSE_BINARY, "--design", "single", "--bogus", "3", "--describe"});
  CHECK(r.exit_code == 64);
  CHECK_THAT(r.err, Catch::Contains("unknown option --bogus for design single"));
  r = run_process({FL_COURSE_BINARY, "--design", "single", "--describe"});
  CHECK(r.exit_code == 0);
  CHECK(Json::parse(r.out)["linearizable"] == true);
}

TEST_CASE("fl-course --describe names the guarantees each design promises, by the checker that judges them", "[no-cluster]") {
  auto guarantees = [](std::vector<std::string> args) {
    Argv argv = {FL_COURSE_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("--describe");
    RunResult r = run_process(argv);
    REQUIRE(r.exit_code == 0);
    Json described = Json::parse(r.out);
    std::set<std::string> g;
    for (const Json& s : described["guarantees"]) g.insert(s.get<std::string>());
    return g;
  };
  auto has = [](const std::set<std::string>& g, const char* c) { return g.count(c) == 1; };
  // Linearizable designs promise every session guarantee and every acknowledged add.
  for (auto args : std::vector<std::vector<std::string>>{{"--design", "single"},
                                                         {"--design", "raft"},
                                                         {"--design", "raft", "--bug", "stale-read"},
                                                         {"--design", "quorum", "--read-repair", "sync"},
                                                         {"--design", "primary-backup", "--sync", "--reads", "primary"}}) {
    auto g = guarantees(args);
    CHECK(has(g, "linearizable"));
    CHECK(has(g, "read-your-writes"));
    CHECK(has(g, "causal"));
    CHECK(has(g, "set"));
  }
  // The weaker designs promise less, and the course table's controls keep what they promise.
  CHECK(guarantees({"--design", "quorum"}).empty());
  CHECK(guarantees({"--design", "quorum", "--r", "1", "--w", "1", "--read-repair", "sync"}).empty());
  CHECK(guarantees({"--design", "quorum", "--sloppy", "--read-repair", "sync"}).empty());
  CHECK_FALSE(has(guarantees({"--design", "primary-backup"}), "read-your-writes"));
  CHECK(has(guarantees({"--design", "primary-backup", "--sync"}), "read-your-writes"));
  CHECK_FALSE(has(guarantees({"--design", "primary-backup", "--sync"}), "linearizable"));
  CHECK(has(guarantees({"--design", "primary-backup", "--failover-ms", "1000"}), "set"));
  CHECK(has(guarantees({"--design", "lww"}), "causal"));
  CHECK_FALSE(has(guarantees({"--design", "lww"}), "set"));
  CHECK(has(guarantees({"--design", "lww", "--crdt"}), "set"));
  CHECK(guarantees({"--design", "lock"}) == std::set<std::string>{"lock/overlapping-holds"});
  CHECK(has(guarantees({"--design", "lock", "--fencing"}), "lock"));
  CHECK(guarantees({"--design", "lock", "--redlock", "5"}) == std::set<std::string>{"lock/overlapping-holds"});
  CHECK(has(guarantees({"--design", "2pc"}), "bank"));
  CHECK(guarantees({"--design", "2pc", "--saga"}).empty());
}

TEST_CASE("the course system refuses an unknown design or option before any cluster exists", "[no-cluster]") {
  auto make = [](Json o) {
    o["binary"] = FL_COURSE_BINARY;
    return make_system("course", o);
  };
  CHECK_THROWS_WITH(make({{"design", "nope"}}), Catch::Contains("unknown design \"nope\"") && Catch::Contains("single"));
  CHECK_THROWS_WITH(make({{"design", "single"}, {"bogus", 1}}), Catch::Contains("unknown option --bogus"));
  CHECK_THROWS_WITH(make(Json::object()), Catch::Contains("--design is required"));
  CHECK_THROWS_WITH(make_system("http", {{"bin", "/no/such/server"}}), Catch::Contains("is not an executable file"));
  auto s = make({{"design", "single"}});
  REQUIRE(s);
  CHECK(s->workload_defaults("register").empty());  // linearizable, with cas: nothing to change
}

TEST_CASE("a course node answers read, write, cas and add, and the client maps each answer by COURSE.md's rules") {
  LocalNode node("single");
  node.start();
  CourseClient reg({node.url(), "register", 1.0});
  CHECK(run(reg, "read").value.is_null());
  Completion w = run(reg, "write", 1);
  CHECK(w.type == OpType::Ok);
  CHECK(run(reg, "read").value == 1);
  Completion refused = run(reg, "cas", Json::array({2, 3}));
  CHECK(refused.type == OpType::Fail);  // 409: certainly not applied
  CHECK_THAT(refused.error, Catch::Contains("not 2"));
  CHECK(run(reg, "cas", Json::array({1, 3})).type == OpType::Ok);
  CHECK(run(reg, "read").value == 3);

  CourseClient kv({node.url(), "kv", 1.0});
  CHECK(kv.invoke(OpSpec{"write", 7, Json(4)}).type == OpType::Ok);
  CHECK(kv.invoke(OpSpec{"read", nullptr, Json(4)}).value == 7);
  CHECK(run(reg, "read").value == 3);  // another key

  CourseClient set({node.url(), "set", 1.0});
  CHECK(run(set, "read").value == Json::array());
  CHECK(run(set, "add", 5).type == OpType::Ok);
  CHECK(run(set, "add", 6).type == OpType::Ok);
  CHECK(run(set, "read").value == Json::array({5, 6}));
}

TEST_CASE("a course node killed and restarted on its data directory keeps every acknowledged write") {
  LocalNode node("single");
  node.start();
  CourseClient set({node.url(), "set", 1.0});
  for (int i = 0; i < 50; ++i) REQUIRE(run(set, "add", i).type == OpType::Ok);
  node.stop();  // SIGKILL
  Completion down = run(set, "read");
  CHECK(down.type != OpType::Ok);
  node.start();
  CourseClient again({node.url(), "set", 1.0});
  Completion r = run(again, "read");
  REQUIRE(r.type == OpType::Ok);
  CHECK(r.value.size() == 50);
}

TEST_CASE("a server that answers garbage makes the client's ops info with the reason, and 409 or 503 makes them fail", "[no-cluster]") {
  httplib::Server svr;
  svr.Get("/kv/register", [](const httplib::Request&, httplib::Response& res) { res.set_content("<html>oops</html>", "text/html"); });
  svr.Put("/kv/register", [](const httplib::Request&, httplib::Response& res) { res.status = 500; });
  svr.Post("/kv/register/cas", [](const httplib::Request&, httplib::Response& res) {
    res.status = 503;
    res.set_content(R"({"error":"not the leader","leader":"n3"})", "application/json");
  });
  svr.Get("/kv/set", [](const httplib::Request&, httplib::Response& res) { res.set_content(R"({"value": 12})", "application/json"); });
  svr.Post("/kv/set/add", [](const httplib::Request&, httplib::Response& res) {
    res.status = 409;
    res.set_content("not json at all", "text/plain");
  });
  int port = svr.bind_to_any_port("127.0.0.1");
  std::thread t([&] { svr.listen_after_bind(); });
  struct Stop {
    httplib::Server& s;
    std::thread& t;
    ~Stop() {
      s.stop();
      t.join();
    }
  } stop{svr, t};
  std::string url = "http://127.0.0.1:" + std::to_string(port);
  CourseClient reg({url, "register", 1.0});
  Completion garbage = run(reg, "read");
  CHECK(garbage.type == OpType::Info);
  CHECK_THAT(garbage.error, Catch::Contains("not a JSON object") && Catch::Contains("<html>"));
  Completion err = run(reg, "write", 1);
  CHECK(err.type == OpType::Info);
  CHECK_THAT(err.error, Catch::Contains("HTTP 500"));
  Completion leader = run(reg, "cas", Json::array({1, 2}));
  CHECK(leader.type == OpType::Fail);
  CHECK_THAT(leader.error, Catch::Contains("leader: n3"));
  CourseClient set({url, "set", 1.0});
  Completion not_a_set = run(set, "read");
  CHECK(not_a_set.type == OpType::Info);
  CHECK_THAT(not_a_set.error, Catch::Contains("not a list"));
  CHECK(run(set, "add", 1).type == OpType::Fail);
  Completion silent = CourseClient({"http://127.0.0.1:" + std::to_string(port) + "/nothing-here", "register", 1.0})
                          .invoke(OpSpec{"read", nullptr, std::nullopt});
  CHECK(silent.type == OpType::Info);  // 404: some other answer
}
