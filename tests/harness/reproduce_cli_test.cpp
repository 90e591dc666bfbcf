// `faultline reproduce` through the real binary: it refuses a run of a
// system that sends no SQL, a run without a wire log, and a run with no
// transactional anomaly (64); and on a hand-made PostgreSQL run at READ
// COMMITTED with a write skew (G2-item: two transactions each read the key
// the other appends to) its psql-only script, replayed against a throwaway
// PostgreSQL on 127.0.0.1, shows the same G2-item every time (needs root and
// PostgreSQL; no cluster, no namespaces).
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "cluster/process.h"
#include "tests/skip.h"
#include "temp_store.h"

using namespace fl;
namespace fs = std::filesystem;

namespace {

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

// T1 reads x (1) and appends to y (2); T2 reads y and appends to x; both at
// READ COMMITTED, interleaved so each reads before the other's append; T3
// reads both afterwards.
void write_skew_run(const fs::path& dir, const std::string& system = "postgres", bool wire = true) {
  write(dir / "test.json", R"({"system":")" + system +
                               R"(","workload":"list-append","opt":{"isolation":"read-committed"},"time_limit":10})");
  write(dir / "history.jsonl",
        R"({"index":0,"time":1000000,"process":0,"type":"invoke","f":"txn","value":[["r",1,null],["append",2,1]]}
{"index":1,"time":1100000,"process":1,"type":"invoke","f":"txn","value":[["r",2,null],["append",1,1]]}
{"index":2,"time":9000000,"process":0,"type":"ok","f":"txn","value":[["r",1,[]],["append",2,1]]}
{"index":3,"time":9500000,"process":1,"type":"ok","f":"txn","value":[["r",2,[]],["append",1,1]]}
{"index":4,"time":20000000,"process":0,"type":"invoke","f":"txn","value":[["r",1,null],["r",2,null]]}
{"index":5,"time":25000000,"process":0,"type":"ok","f":"txn","value":[["r",1,[1]],["r",2,[1]]]}
)");
  if (!wire) return;
  auto line = [](int op, int p, double s, double a, const std::string& sql, const std::string& ans) {
    nlohmann::json j = {{"op", op},  {"process", p}, {"node", "n1"}, {"sent", static_cast<std::int64_t>(s * 1e6)},
                        {"answered", static_cast<std::int64_t>(a * 1e6)}, {"request", sql}, {"answer", ans}};
    return j.dump() + "\n";
  };
  const std::string begin = "BEGIN ISOLATION LEVEL READ COMMITTED";
  auto sel = [](int k) { return "SELECT v FROM fl_append WHERE k = '" + std::to_string(k) + "'"; };
  auto app = [](int k, int v) {
    return "INSERT INTO fl_append AS t (k, v) VALUES ('" + std::to_string(k) + "', '" + std::to_string(v) +
           "') ON CONFLICT (k) DO UPDATE SET v = t.v || ',' || EXCLUDED.v";
  };
  write(dir / "wire.jsonl",
        line(0, 0, 1.0, 1.1, begin, "OK") + line(1, 1, 1.1, 1.2, begin, "OK") + line(0, 0, 2, 2.5, sel(1), "OK") +
            line(1, 1, 3, 3.5, sel(2), "OK") + line(0, 0, 4, 4.5, app(2, 1), "OK") +
            line(1, 1, 5, 5.5, app(1, 1), "OK") + line(0, 0, 8, 8.9, "COMMIT", "OK") +
            line(1, 1, 9, 9.4, "COMMIT", "OK") + line(4, 0, 20.1, 20.2, begin, "OK") +
            line(4, 0, 21, 22, sel(1), "OK 1") + line(4, 0, 22.1, 23, sel(2), "OK 1") +
            line(4, 0, 23.1, 24.9, "COMMIT", "OK"));
}

}  // namespace

TEST_CASE("reproduce refuses runs it cannot replay", "[no-cluster]") {
  test::TempStore store;
  const fs::path dir = fs::path(store.path) / "run";

  write_skew_run(dir, "redis");
  RunResult r = run_process({FL_BINARY, "reproduce", dir.string()});
  CHECK(r.exit_code == 64);
  CHECK(r.err.find("not of an SQL system") != std::string::npos);

  fs::remove_all(dir);
  write_skew_run(dir, "postgres", false);
  r = run_process({FL_BINARY, "reproduce", dir.string()});
  CHECK(r.exit_code == 64);
  CHECK(r.err.find("no wire log") != std::string::npos);

  // No anomaly: T3 alone.
  fs::remove_all(dir);
  write_skew_run(dir);
  write(dir / "history.jsonl",
        R"({"index":0,"time":20000000,"process":0,"type":"invoke","f":"txn","value":[["r",1,null]]}
{"index":1,"time":25000000,"process":0,"type":"ok","f":"txn","value":[["r",1,[]]]}
)");
  r = run_process({FL_BINARY, "reproduce", dir.string()});
  CHECK(r.exit_code == 64);
  CHECK(r.err.find("no transactional anomaly") != std::string::npos);
}

TEST_CASE("a write skew at READ COMMITTED replays with psql alone, every time", "[no-cluster]") {
  if (::geteuid() != 0) FL_SKIP("reproduce starts PostgreSQL as the postgres user, which needs root");
  if (!fs::exists("/usr/bin/psql") || find_program("setpriv").empty()) FL_SKIP("PostgreSQL is not installed");
  test::TempStore store;
  const fs::path dir = fs::path(store.path) / "run";
  write_skew_run(dir);
  RunResult r = run_process({FL_BINARY, "reproduce", dir.string(), "--runs", "3", "--port", "55437"},
                            {std::chrono::seconds(120), {}, {}});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("3 of 3 replays show G2-item (3 with the run's own cycle)") != std::string::npos);
  REQUIRE(fs::exists(dir / "reproduce.sh"));
  std::ifstream f(dir / "reproduce.sh");
  std::string script((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  CHECK(script.find("BEGIN ISOLATION LEVEL READ COMMITTED") != std::string::npos);
  CHECK(script.find("faultline") != std::string::npos);  // says where it came from
}
