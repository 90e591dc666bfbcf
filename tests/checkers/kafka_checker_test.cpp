// The kafka checker on small hand-made histories: a valid run, each anomaly
// named with the ops that show it, soundness where a log merely lags, and
// nothing to judge.
#include <catch2/catch.hpp>

#include "checkers/registry.h"
#include "history/error.h"

using namespace fl;

namespace {

struct KafkaHistory {
  std::vector<Op> ops;
  void add(std::int64_t process, OpType t, const char* f, Json v) {
    Op o;
    o.process = process;
    o.type = t;
    o.f = f;
    o.value = std::move(v);
    o.line = static_cast<std::int64_t>(ops.size()) + 1;
    o.time = o.line * 1000000;
    ops.push_back(std::move(o));
  }
  void op(std::int64_t process, OpType t, const char* f, Json in, Json out) {
    add(process, OpType::Invoke, f, std::move(in));
    add(process, t, f, std::move(out));
  }
  void send(const char* key, int msg, Json offset, OpType t = OpType::Ok) {
    op(0, t, "send", {{"key", key}, {"msg", msg}}, std::move(offset));
  }
  void poll(Json from, Json msgs) { op(1, OpType::Ok, "poll", {{"offsets", std::move(from)}}, std::move(msgs)); }
  void commit(Json offsets) { op(2, OpType::Ok, "commit_offsets", {{"offsets", offsets}}, offsets); }
  void list(Json offsets) {
    op(3, OpType::Ok, "list_committed_offsets", {{"keys", Json::array({"a", "b"})}}, std::move(offsets));
  }
  CheckResult check() const { return find_checker("kafka")->check(History(ops, "kafka.jsonl"), CheckOptions{}); }
  std::size_t count(const char* kind) const {
    CheckResult r = check();
    return r.detail["anomaly-counts"].value(kind, 0);
  }
  std::vector<std::int64_t> ops_of(const char* kind) const {
    CheckResult r = check();
    for (const Json& a : r.detail["anomalies"])
      if (a["kind"] == kind) return a["ops"].get<std::vector<std::int64_t>>();
    return {};
  }
};

Json entries(std::initializer_list<std::pair<int, int>> list) {
  Json out = Json::array();
  for (const auto& [offset, msg] : list) out.push_back(Json::array({offset, msg}));
  return out;
}

// Two keys, sends, polls from where the last left off, commits and lists.
KafkaHistory valid_run() {
  KafkaHistory k;
  k.send("a", 1, 0);                                              // ops 0, 1
  k.send("a", 2, 1);                                              // 2, 3
  k.send("b", 3, 0);                                              // 4, 5
  k.poll({{"a", 0}}, {{"a", entries({{0, 1}})}});                 // 6, 7
  k.commit({{"a", 0}});                                           // 8, 9
  k.poll({{"a", 1}, {"b", 0}}, {{"a", entries({{1, 2}})}, {"b", entries({{0, 3}})}});
  k.commit({{"a", 1}, {"b", 0}});
  k.list({{"a", 1}, {"b", 0}});
  k.send("a", 4, 2, OpType::Info);                                // may have happened: polled later
  k.send("b", 5, nullptr, OpType::Fail);
  k.poll({{"a", 0}, {"b", 0}}, {{"a", entries({{0, 1}, {1, 2}, {2, 4}})}, {"b", entries({{0, 3}})}});
  return k;
}

}  // namespace

TEST_CASE("kafka: sends, polls from where the last left off, commits and lists are valid", "[checkers]") {
  KafkaHistory k = valid_run();
  CheckResult r = k.check();
  INFO(r.detail.dump());
  CHECK(r.valid == Validity::Valid);
  CHECK(r.detail["acknowledged-send-count"] == 3);
  CHECK(r.detail["lost-count"] == 0);
}

TEST_CASE("kafka: a log that lags behind is no anomaly, and only a poll that covered an offset can lose it",
          "[checkers]") {
  KafkaHistory k;
  k.send("a", 1, 0);
  k.send("a", 2, 1);
  k.poll({{"a", 0}}, {{"a", entries({{0, 1}})}});  // stops short of offset 1: a prefix, fine
  k.poll({{"a", 2}}, {{"a", Json::array()}});      // asks past everything
  CheckResult r = k.check();
  CHECK(r.valid == Validity::Valid);
  CHECK(r.detail["unseen-count"] == 1);
  // Sparse offsets are fine too: 5 then 9, nothing known between.
  KafkaHistory sparse;
  sparse.send("a", 1, 5);
  sparse.send("a", 2, 9);
  sparse.poll({{"a", 0}}, {{"a", entries({{5, 1}, {9, 2}})}});
  CHECK(sparse.check().valid == Validity::Valid);
}

TEST_CASE("kafka: two msgs at one offset are inconsistent offsets, naming both ops", "[checkers]") {
  KafkaHistory k;
  k.send("a", 1, 0);                               // ops 0, 1
  k.send("a", 2, 0);                               // ops 2, 3: the same offset
  k.poll({{"a", 0}}, {{"a", entries({{0, 1}})}});  // ops 4, 5
  CHECK(k.check().valid == Validity::Invalid);
  CHECK(k.count("inconsistent-offsets") == 1);
  CHECK(k.ops_of("inconsistent-offsets") == std::vector<std::int64_t>{1, 3});
  // The acknowledged send of 2 at offset 0 was covered by the poll, which never returned it.
  CHECK(k.count("lost-write") == 1);
  CHECK(k.ops_of("lost-write") == std::vector<std::int64_t>{3, 5});
}

TEST_CASE("kafka: one msg at two offsets is a duplicate", "[checkers]") {
  KafkaHistory k;
  k.send("a", 1, 0);                                       // ops 0, 1
  k.poll({{"a", 0}}, {{"a", entries({{0, 1}, {1, 1}})}});  // ops 2, 3
  CHECK(k.count("duplicate-msg") == 1);
  CHECK(k.ops_of("duplicate-msg") == std::vector<std::int64_t>{1, 3});
}

TEST_CASE("kafka: a poll whose offsets go backwards or start below its request is nonmonotonic", "[checkers]") {
  KafkaHistory k;
  k.send("a", 1, 0);
  k.send("a", 2, 1);
  k.poll({{"a", 0}}, {{"a", entries({{1, 2}, {0, 1}})}});  // ops 4, 5
  CHECK(k.count("int-nonmonotonic-poll") == 1);
  CHECK(k.ops_of("int-nonmonotonic-poll") == std::vector<std::int64_t>{5});
  KafkaHistory below;
  below.send("a", 1, 0);
  below.poll({{"a", 1}}, {{"a", entries({{0, 1}})}});
  CHECK(below.count("int-nonmonotonic-poll") == 1);
}

TEST_CASE("kafka: a poll that goes past an offset another op showed skips it", "[checkers]") {
  KafkaHistory k;
  k.send("a", 1, 0);                                       // ops 0, 1
  k.send("a", 2, 1);                                       // ops 2, 3
  k.send("a", 3, 2);                                       // ops 4, 5
  k.poll({{"a", 0}}, {{"a", entries({{0, 1}, {2, 3}})}});  // ops 6, 7: 1 is missing
  CHECK(k.count("poll-skip") == 1);
  CHECK(k.ops_of("poll-skip") == std::vector<std::int64_t>{7, 3});
  CHECK(k.count("lost-write") == 1);  // and msg 2 was never polled, though the poll covered offset 1
  // Skipping from the offset asked for: another poll showed offset 0.
  KafkaHistory first;
  first.poll({{"a", 0}}, {{"a", entries({{0, 1}, {1, 2}})}});  // ops 0, 1
  first.poll({{"a", 0}}, {{"a", entries({{1, 2}})}});          // ops 2, 3
  CHECK(first.count("poll-skip") == 1);
  CHECK(first.ops_of("poll-skip") == std::vector<std::int64_t>{3, 1});
}

TEST_CASE("kafka: a polled msg that no send carried is unexpected", "[checkers]") {
  KafkaHistory k;
  k.send("a", 1, 0);
  k.send("a", 2, nullptr, OpType::Fail);  // failed: certainly not in the log
  k.poll({{"a", 0}}, {{"a", entries({{0, 1}, {1, 2}})}});
  CHECK(k.count("unexpected-msg") == 1);
}

TEST_CASE("kafka: committed offsets must not go back in real time, nor be ones nobody committed", "[checkers]") {
  KafkaHistory k;
  k.commit({{"a", 3}});  // ops 0, 1
  k.list({{"a", 3}});    // ops 2, 3
  k.commit({{"a", 1}});  // ops 4, 5: a lower commit does not un-process msgs
  k.list({{"a", 1}});    // ops 6, 7
  CHECK(k.count("committed-offset-backwards") == 1);
  CHECK(k.ops_of("committed-offset-backwards") == std::vector<std::int64_t>{1, 7});
  KafkaHistory phantom;
  phantom.commit({{"a", 3}});
  phantom.list({{"a", 4}});
  CHECK(phantom.count("unexpected-committed-offset") == 1);
  // Concurrent with the commit, an older offset is fine.
  KafkaHistory concurrent;
  concurrent.add(2, OpType::Invoke, "commit_offsets", {{"offsets", {{"a", 1}}}});
  concurrent.add(3, OpType::Invoke, "list_committed_offsets", {{"keys", {"a"}}});
  concurrent.add(2, OpType::Ok, "commit_offsets", {{"a", 1}});
  concurrent.add(3, OpType::Ok, "list_committed_offsets", Json::object());
  concurrent.commit({{"a", 0}});
  concurrent.list({{"a", 1}});
  CHECK(concurrent.check().valid == Validity::Valid);
}

TEST_CASE("kafka: nothing polled and nothing listed is nothing to judge", "[checkers]") {
  KafkaHistory k;
  k.send("a", 1, 0);
  k.send("a", 2, 1);
  k.poll({{"a", 5}}, {{"a", Json::array()}});
  CheckResult r = k.check();
  CHECK(r.valid == Validity::Unknown);
  CHECK(r.detail["reason"].get<std::string>().find("no poll returned a msg") != std::string::npos);
  // Two acknowledged sends at one offset need no poll to be invalid.
  KafkaHistory clash;
  clash.send("a", 1, 0);
  clash.send("a", 2, 0);
  CHECK(clash.check().valid == Validity::Invalid);
}

TEST_CASE("kafka: the verdict and its anomalies do not depend on anything but the history", "[checkers]") {
  KafkaHistory k = valid_run();
  k.send("a", 9, 1);
  k.poll({{"b", 0}}, {{"b", entries({{0, 7}})}});
  CHECK(k.check().detail.dump() == k.check().detail.dump());
  CHECK(k.check().valid == Validity::Invalid);
}

TEST_CASE("kafka: a poll answer of the wrong shape is refused with its line", "[checkers]") {
  KafkaHistory k;
  k.poll({{"a", 0}}, {{"a", Json::array({1, 2})}});
  try {
    k.check();
    FAIL("judged a poll whose entries are not [offset, msg]");
  } catch (const BadInput& e) {
    CHECK(e.line() == 2);
  }
}
