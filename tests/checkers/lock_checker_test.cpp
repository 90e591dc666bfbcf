// The lock checker on small hand-made histories of the lock workload: holds
// that overlap, a lease that ran out (not a hold), the store's log out of
// token order, writes lost, invented or refused-yet-accepted, and the
// unknown verdict when nothing can be judged — each anomaly naming its ops.
#include <sstream>

#include <catch2/catch.hpp>

#include "checkers/registry.h"
#include "history/format.h"

using namespace fl;

namespace {

// Builds a history line by line: times in milliseconds.
struct Lines {
  std::ostringstream out;
  int index = 0;
  Lines& op(double ms, int process, const char* type, const char* f, const Json& value) {
    Json o = {{"index", index++}, {"time", static_cast<std::int64_t>(ms * 1e6)}, {"process", process},
              {"type", type},      {"f", f},                                     {"value", value}};
    out << o.dump() << "\n";
    return *this;
  }
  // A whole op: invoke at `at`, completion at `done`.
  Lines& both(double at, double done, int process, const char* type, const char* f, const Json& arg, Json result = nullptr) {
    op(at, process, "invoke", f, arg);
    return op(done, process, type, f, result.is_null() ? arg : result);
  }
};

Json acquire(const std::string& c, int ttl = 100) { return {{"lock", "lock"}, {"client", c}, {"ttl_ms", ttl}}; }
Json granted(const std::string& c, int token, int ttl = 100) {
  Json v = acquire(c, ttl);
  v["token"] = token;
  return v;
}
Json write(const std::string& c, int token, int v) { return {{"key", "data"}, {"client", c}, {"token", token}, {"value", v}}; }
Json release(const std::string& c, int token) { return {{"lock", "lock"}, {"client", c}, {"token", token}}; }
// A store read's answer: its log as [client, token] pairs, in order.
Json store(const std::vector<std::pair<std::string, int>>& entries) {
  Json log = Json::array();
  for (const auto& [c, t] : entries) log.push_back(Json::array({c, t}));
  return {{"value", 0}, {"log", log}};
}

CheckResult check(Lines& l) {
  std::istringstream in(l.out.str());
  History h = read_history(in, "lock.jsonl", Format::Jsonl);
  return find_checker("lock")->check(h, {});
}

std::vector<std::string> kinds(const CheckResult& r) {
  std::vector<std::string> k;
  for (const Json& a : r.detail["anomalies"]) k.push_back(a["kind"]);
  return k;
}

std::vector<std::int64_t> ops_of(const CheckResult& r, std::size_t i) {
  return r.detail["anomalies"][i]["ops"].get<std::vector<std::int64_t>>();
}

}  // namespace

TEST_CASE("holds one after the other and a store log in token order are valid") {
  Lines l;
  l.both(0, 5, 0, "ok", "acquire", acquire("c1"), granted("c1", 1))
      .both(6, 10, 0, "ok", "write", write("c1", 1, 7))
      .both(11, 12, 0, "ok", "release", release("c1", 1))
      .both(8, 20, 1, "ok", "acquire", acquire("c2"), granted("c2", 2))  // returned after c1's release
      .both(21, 25, 1, "ok", "write", write("c2", 2, 8))
      .both(26, 27, 1, "ok", "release", release("c2", 2))
      .both(30, 31, 2, "ok", "read", {{"key", "data"}}, store({{"c1", 1}, {"c2", 2}}));
  CheckResult r = check(l);
  INFO(r.detail.dump());
  CHECK(r.valid == Validity::Valid);
  CHECK(r.detail["holds"] == 2);
}

TEST_CASE("two clients holding the lock at once are overlapping holds, naming both acquires") {
  Lines l;
  l.both(0, 5, 0, "ok", "acquire", acquire("c1"), granted("c1", 1))          // ops 0, 1
      .both(2, 30, 1, "ok", "acquire", acquire("c2"), granted("c2", 2))      // ops 2, 3: c1 holds until 60 / 100
      .both(60, 61, 0, "ok", "release", release("c1", 1))                    // ops 4, 5
      .both(62, 63, 1, "ok", "release", release("c2", 2))
      .both(70, 71, 2, "ok", "read", {{"key", "data"}}, store({}));
  CheckResult r = check(l);
  REQUIRE(kinds(r) == std::vector<std::string>{"overlapping-holds"});
  CHECK(ops_of(r, 0) == std::vector<std::int64_t>{1, 3});
  CHECK(r.valid == Validity::Invalid);
}

TEST_CASE("a lease that ran out is no longer a hold, but the late write it makes lands out of token order") {
  Lines l;
  l.both(0, 5, 0, "ok", "acquire", acquire("c1", 100), granted("c1", 1, 100))  // 0, 1: holds until 100
      .both(6, 300, 0, "ok", "pause", {{"ms", 294}})                            // 2, 3
      .both(50, 150, 1, "ok", "acquire", acquire("c2", 100), granted("c2", 2, 100))  // 4, 5: after c1's lease
      .both(151, 155, 1, "ok", "write", write("c2", 2, 8))                      // 6, 7
      .both(156, 157, 1, "ok", "release", release("c2", 2))                     // 8, 9
      .both(301, 305, 0, "ok", "write", write("c1", 1, 7))                      // 10, 11: the stale holder
      .both(306, 307, 0, "fail", "release", release("c1", 1))                   // 12, 13
      .both(400, 401, 2, "ok", "read", {{"key", "data"}}, store({{"c2", 2}, {"c1", 1}}));  // 14, 15
  CheckResult r = check(l);
  REQUIRE(kinds(r) == std::vector<std::string>{"stale-write-accepted"});
  CHECK(ops_of(r, 0) == std::vector<std::int64_t>{7, 11, 15});
  std::string why = r.detail["anomalies"][0]["explanation"];
  CHECK(why.find("token 1") != std::string::npos);
  CHECK(why.find("token 2") != std::string::npos);
}

TEST_CASE("with fencing the stale write is refused and the history is valid") {
  Lines l;
  l.both(0, 5, 0, "ok", "acquire", acquire("c1", 100), granted("c1", 1, 100))
      .both(6, 300, 0, "ok", "pause", {{"ms", 294}})
      .both(50, 150, 1, "ok", "acquire", acquire("c2", 100), granted("c2", 2, 100))
      .both(151, 155, 1, "ok", "write", write("c2", 2, 8))
      .both(156, 157, 1, "ok", "release", release("c2", 2))
      .both(301, 305, 0, "fail", "write", write("c1", 1, 7))
      .both(400, 401, 2, "ok", "read", {{"key", "data"}}, store({{"c2", 2}}));
  CHECK(check(l).valid == Validity::Valid);
}

TEST_CASE("the store's log must hold every acknowledged write, no invented one and no refused one") {
  Lines l;
  l.both(0, 5, 0, "ok", "acquire", acquire("c1"), granted("c1", 1))  // 0, 1
      .both(6, 7, 0, "ok", "write", write("c1", 1, 7))               // 2, 3: lost
      .both(8, 9, 0, "ok", "release", release("c1", 1))              // 4, 5
      .both(10, 12, 1, "ok", "acquire", acquire("c2"), granted("c2", 2))  // 6, 7
      .both(13, 14, 1, "fail", "write", write("c2", 2, 8))           // 8, 9: refused, yet logged
      .both(20, 21, 2, "ok", "read", {{"key", "data"}}, store({{"c2", 2}, {"c9", 9}}));  // 10, 11
  CheckResult r = check(l);
  std::vector<std::string> k = kinds(r);
  std::sort(k.begin(), k.end());
  CHECK(k == std::vector<std::string>{"failed-write-accepted", "lost-write", "unexpected-write"});
  for (std::size_t i = 0; i < k.size(); ++i) {
    std::string kind = r.detail["anomalies"][i]["kind"];
    if (kind == "lost-write") CHECK(ops_of(r, i) == std::vector<std::int64_t>{3, 11});
    if (kind == "failed-write-accepted") CHECK(ops_of(r, i) == std::vector<std::int64_t>{9, 11});
    if (kind == "unexpected-write") CHECK(ops_of(r, i) == std::vector<std::int64_t>{11});
  }
}

TEST_CASE("without a completed read of the store the token order is unknown, not valid") {
  Lines l;
  l.both(0, 5, 0, "ok", "acquire", acquire("c1"), granted("c1", 1))
      .both(6, 7, 0, "ok", "write", write("c1", 1, 7))
      .both(8, 9, 0, "ok", "release", release("c1", 1))
      .both(20, 1020, 2, "info", "read", {{"key", "data"}}, nullptr);
  CheckResult r = check(l);
  CHECK(r.valid == Validity::Unknown);
  CHECK(r.summary.find("no read of the store completed") != std::string::npos);
}

TEST_CASE("a write without a token is bad input naming its line") {
  Lines l;
  l.both(0, 5, 0, "ok", "write", {{"client", "c1"}, {"value", 1}});
  std::istringstream in(l.out.str());
  History h = read_history(in, "lock.jsonl", Format::Jsonl);
  CHECK_THROWS_WITH(find_checker("lock")->check(h, {}), Catch::Contains("lock.jsonl:1"));
}
