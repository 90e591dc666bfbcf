// The weak checkers refuse histories they cannot judge (BadInput naming the
// op's line, exit 65 from the command line), and `faultline check` runs them by
// name on JSONL and on Jepsen EDN alike.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "checkers/registry.h"
#include "history/error.h"

namespace {

fl::Op op(std::int64_t process, fl::OpType t, const char* f, fl::Json v, std::int64_t line) {
  fl::Op o;
  o.process = process;
  o.type = t;
  o.f = f;
  o.value = std::move(v);
  o.line = line;
  return o;
}

int run_cli(const std::string& args) {
  std::string cmd = std::string(FL_BINARY) + " " + args + " >/dev/null 2>&1";
  int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("causal and session checkers refuse a history that writes one value twice, naming its line", "[checkers][causal]") {
  using fl::OpType;
  fl::History h({op(0, OpType::Invoke, "write", 1, 1), op(0, OpType::Ok, "write", 1, 2),
                 op(1, OpType::Invoke, "write", 1, 3), op(1, OpType::Ok, "write", 1, 4)},
                "dup.jsonl");
  for (const char* name : {"causal", "session", "causal-memory", "read-your-writes"}) {
    try {
      fl::find_checker(name)->check(h, {});
      FAIL(name << " accepted duplicate writes");
    } catch (const fl::BadInput& e) {
      CHECK(e.line() == 3);
      CHECK(std::string(e.what()).find("dup.jsonl:3") == 0);
    }
  }
}

TEST_CASE("the session checker refuses two appends of one value to one key", "[checkers][session]") {
  using fl::OpType;
  std::vector<fl::Op> ops = {op(0, OpType::Invoke, "append", 1, 7), op(0, OpType::Ok, "append", 1, 8),
                             op(1, OpType::Invoke, "append", 1, 9), op(1, OpType::Ok, "append", 1, 10)};
  for (auto& o : ops) o.key = "x";
  fl::History h(ops, "la.jsonl");
  CHECK_THROWS_AS(fl::find_checker("session")->check(h, {}), fl::BadInput);
}

TEST_CASE("each checker refuses an op it cannot interpret, naming its line, instead of skipping it", "[checkers]") {
  using fl::OpType;
  // One op the checker knows, then one it does not (line 3): skipping it
  // would judge a history of another shape, vacuously valid.
  struct Case {
    const char* checker;
    const char* known;
    fl::Json value;
  };
  const Case cases[] = {
      {"set", "add", 1},          {"counter", "add", 1},        {"total-queue", "enqueue", 1},
      {"unique-ids", "generate", nullptr}, {"causal", "write", 1}, {"causal-memory", "write", 1},
      {"session", "write", 1},    {"read-your-writes", "write", 1}, {"bank", "transfer", nullptr},
  };
  for (const Case& c : cases) {
    for (const char* unknown : {"cas", "remove"}) {
      fl::History h({op(0, OpType::Invoke, c.known, c.value, 1), op(0, OpType::Ok, c.known, c.value, 2),
                     op(1, OpType::Invoke, unknown, 2, 3), op(1, OpType::Ok, unknown, 2, 4)},
                    "shape.jsonl");
      try {
        fl::find_checker(c.checker)->check(h, {});
        FAIL(c.checker << " skipped an op \"" << unknown << "\"");
      } catch (const fl::BadInput& e) {
        CHECK(e.line() == 3);
        CHECK(std::string(e.what()).find(unknown) != std::string::npos);
      }
    }
  }
  // The session checker on list-append refuses a register write among appends.
  std::vector<fl::Op> la = {op(0, OpType::Invoke, "append", 1, 1), op(0, OpType::Ok, "append", 1, 2),
                            op(1, OpType::Invoke, "write", 2, 3), op(1, OpType::Ok, "write", 2, 4)};
  for (auto& o : la) o.key = "x";
  CHECK_THROWS_AS(fl::find_checker("session")->check(fl::History(la, "la.jsonl"), {}), fl::BadInput);
}

TEST_CASE("every weak checker is registered under its name", "[checkers]") {
  for (const char* name : {"session", "read-your-writes", "monotonic-reads", "monotonic-writes", "writes-follow-reads",
                           "causal", "causal-consistency", "causal-memory", "causal-convergence", "set", "counter",
                           "bank", "total-queue", "unique-ids", "stats"}) {
    const fl::Checker* c = fl::find_checker(name);
    REQUIRE(c != nullptr);
    CHECK(c->name() == name);
    CHECK(!c->description().empty());
  }
}

TEST_CASE("faultline check runs several weak checkers by name on JSONL and on Jepsen EDN", "[checkers][cli]") {
  std::string data = std::string(FL_TEST_DATA) + "/checkers/";
  CHECK(run_cli("check --checker session,causal " + data + "reg_valid.jsonl") == 0);
  CHECK(run_cli("check --checker session,stats " + data + "la_lost_append.jsonl") == 1);
  // The causal checkers judge registers: appends are not theirs to skip.
  CHECK(run_cli("check --checker session,causal " + data + "la_lost_append.jsonl") == 65);
  CHECK(run_cli("check --checker set,stats " + data + "set_lost.edn") == 1);
  CHECK(run_cli("check --checker set " + data + "set_valid.edn") == 0);
  CHECK(run_cli("check --checker causal " + data + "dup_writes.jsonl") == 65);
  CHECK(run_cli("check --checker set " + data + "set_unknown_f.jsonl") == 65);
}
