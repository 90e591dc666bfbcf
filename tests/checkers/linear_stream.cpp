// The streamed linearizability check (checkers/linear/stream.h) against the
// in-memory one: the same verdict, key and counterexample on every kv and
// register history of the corpus and on simulated kv runs (valid, with a
// planted stale read, with timeouts); windows decided as they close and their
// ops released; an anomaly reported before the end; budgets giving unknown.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "bench/kv_sim.h"
#include "checkers/linear/stream.h"
#include "checkers/registry.h"
#include "tests/corpus_entries.h"
#include "history/format.h"
#include "history/jsonl.h"
#include "linear_support.h"

namespace fl::test::stream_test {
namespace {

const Checker& linearizable() { return *find_checker("linearizable"); }

// Feeds ops [from, to) of a History, as a reader would (to a LinearStream,
// or to the checker's online form).
template <typename Sink>
void feed(Sink& s, const History& h, std::size_t from, std::size_t to) {
  std::vector<std::int64_t> pair_of(h.size(), -1);
  for (std::size_t i = 0; i < h.pairs().size(); ++i) {
    pair_of[static_cast<std::size_t>(h.pairs()[i].invoke)] = static_cast<std::int64_t>(i);
    if (h.pairs()[i].complete >= 0) pair_of[static_cast<std::size_t>(h.pairs()[i].complete)] = static_cast<std::int64_t>(i);
  }
  for (std::size_t i = from; i < to; ++i) s.feed(OpRef(h[i], static_cast<std::int64_t>(i), pair_of[i], {}, true));
}

CheckResult stream_from(const History& h, const CheckOptions& o, LinearStream* into = nullptr) {
  LinearStream own(o, h.source());
  LinearStream& s = into ? *into : own;
  feed(s, h, 0, h.size());
  return s.finish();
}

std::set<Json> anomaly_keys(const CheckResult& r) {
  std::set<Json> keys;
  for (const Json& a : r.detail["anomalies"]) keys.insert(a["key"]);
  return keys;
}

std::vector<CorpusEntry> register_corpus() {
  std::vector<CorpusEntry> out;
  for (CorpusEntry& e : corpus_entries(FL_CORPUS_DIR))
    if (e.model == "kv" || e.model == "cas-register" || e.model == "register") out.push_back(std::move(e));
  return out;
}

CheckOptions options(const std::string& model, double seconds = 60) {
  CheckOptions o;
  o.model = model;
  o.time_limit_s = seconds;
  o.threads = 1;
  return o;
}

// Writes a simulated kv run as JSON Lines.
std::string write_sim(const bench::KvSimOptions& o, std::size_t events, const std::string& name) {
  const std::string path = (std::filesystem::temp_directory_path() / name).string();
  JsonlWriter w(path);
  bench::KvSim sim(o);
  std::size_t n = 0;
  for (Op op; sim.next(op, n + 40 >= events); ++n) w.write(op);
  w.close();
  return path;
}

Op ev(std::int64_t process, OpType type, std::string f, Json value, Json key) {
  return event(process, type, std::move(f), std::move(value), std::move(key));
}

}  // namespace

TEST_CASE("streamed, online and in-memory checks agree on every kv and register history of the corpus",
          "[linear][stream][corpus]") {
  const std::vector<CorpusEntry> entries = register_corpus();
  REQUIRE(entries.size() >= 200);
  int streamed_files = 0;
  for (const CorpusEntry& e : entries) {
    const std::string path = std::string(FL_CORPUS_DIR) + "/" + e.path;
    const Format format = *parse_format(e.format);
    const History h = read_history(path, format);
    CheckOptions o = options(e.model);
    if (e.init != "-") o.init = Json::parse(e.init);
    const CheckResult memory = linearizable().check(h, o);
    LinearStream s(o, h.source());
    const CheckResult fed = stream_from(h, o, &s);
    INFO(e.path << "\n" << memory.summary << "\n" << fed.summary);
    CHECK(std::string(to_string(fed.valid)) == e.expected);
    CHECK(fed.valid == memory.valid);
    // The checker's online form, as `faultline test` feeds it while it
    // records, gives the same verdict.
    std::unique_ptr<OnlineCheck> online = linearizable().online(o);
    REQUIRE(online);
    feed(*online, h, 0, h.size());
    CHECK(online->finish(static_cast<std::int64_t>(h.size())).valid == memory.valid);
    // Fed alone, it names every key it found invalid (or left unsearched
    // once one was): the in-memory checker's is among them.
    std::set<Json> found;
    for (const std::string& k : s.invalid_keys()) found.insert(k.empty() ? Json() : Json::parse(k));
    for (const std::string& k : s.undecided_keys()) found.insert(k.empty() ? Json() : Json::parse(k));
    for (const Json& k : anomaly_keys(memory)) CHECK(found.count(k) == 1);
    if (can_stream(path, format)) {
      ++streamed_files;
      const CheckResult file = stream_check_linearizable(path, format, o);
      CHECK(file.valid == memory.valid);
      CHECK(file.detail["anomalies"] == memory.detail["anomalies"]);
    }
  }
  CHECK(streamed_files >= 100);
}

TEST_CASE("streamed and in-memory checks agree on simulated kv runs, valid and with a stale read planted",
          "[linear][stream]") {
  int invalid = 0, runs = 0;
  for (unsigned seed = 1; seed <= 12; ++seed) {
    bench::KvSimOptions o;
    o.seed = seed;
    o.info_every = seed % 3 == 0 ? 20 : 300;  // some runs with many timeouts
    o.keys = seed % 2 ? 8 : 2;                // and some with more clients per key
    o.ops_per_key = seed % 4 == 1 ? 2000 : 400;
    const bool planted = seed > 4;
    if (planted) o.stale_at = 1000 + 500 * seed;
    const std::string path = write_sim(o, 8000, "fl-linear-stream-" + std::to_string(seed) + ".jsonl");
    const History h = read_history(path, Format::Jsonl);
    const CheckOptions opts = options("kv");
    const CheckResult memory = linearizable().check(h, opts);
    StreamCounts counts;
    const CheckResult file = stream_check_linearizable(path, Format::Jsonl, opts, &counts);
    const CheckResult fed = stream_from(h, opts);
    INFO("seed " << seed << "\n" << memory.summary << "\n" << file.summary);
    CHECK(counts.events == static_cast<std::int64_t>(h.size()));
    REQUIRE(memory.valid != Validity::Unknown);
    CHECK(file.valid == memory.valid);
    CHECK(fed.valid == memory.valid);
    CHECK(file.detail["anomalies"] == memory.detail["anomalies"]);
    if (memory.valid == Validity::Invalid) CHECK(anomaly_keys(fed) == anomaly_keys(memory));
    if (!planted) CHECK(memory.valid == Validity::Valid);
    invalid += memory.valid == Validity::Invalid;
    ++runs;
    std::filesystem::remove(path);
  }
  CHECK(invalid >= 5);  // most planted reads are stale for sure
}

TEST_CASE("a long kv run is checked holding only the ops of the keys in use", "[linear][stream]") {
  bench::KvSimOptions o;
  o.info_every = 300;
  const std::string path = write_sim(o, 60000, "fl-linear-stream-long.jsonl");
  const CheckResult r = stream_check_linearizable(path, Format::Jsonl, options("kv"));
  std::filesystem::remove(path);
  INFO(r.summary);
  CHECK(r.valid == Validity::Valid);
  // 30,000 ops over about 600 keys; at most a few keys' worth held at once.
  CHECK(r.detail["partitions"].get<std::size_t>() > 300);
  CHECK(r.detail["peak_held_ops"].get<std::size_t>() < 3000);
  CHECK(r.detail["windows"].get<std::size_t>() > 300);
}

TEST_CASE("a stale read after a cut is reported when its key retires, before the end", "[linear][stream]") {
  // Key "a": write 1, then write 2 and a concurrent read of 1 (fine), all
  // completed; then a read of 1 after the point where none is open.
  const History h = history_of({
      ev(0, OpType::Invoke, "write", 1, "a"), ev(0, OpType::Ok, "write", 1, "a"),
      ev(1, OpType::Invoke, "write", 2, "a"), ev(2, OpType::Invoke, "read", nullptr, "a"),
      ev(2, OpType::Ok, "read", 1, "a"), ev(1, OpType::Ok, "write", 2, "a"),
      ev(2, OpType::Invoke, "read", nullptr, "a"), ev(2, OpType::Ok, "read", 1, "a"),
      ev(3, OpType::Invoke, "write", 5, "b"), ev(3, OpType::Ok, "write", 5, "b"),
  });
  LinearStream s(options("kv"), h.source());
  feed(s, h, 0, 8);
  CHECK(s.anomalies().empty());
  CHECK(s.held_ops() == 4);
  s.retire("\"a\"");
  REQUIRE(s.anomalies().size() == 1);
  CHECK(s.anomalies()[0]["key"] == "a");
  CHECK(s.anomalies()[0]["window"]["ops"] == Json::array({0, 2, 3, 6}));
  CHECK(s.held_ops() == 0);
  feed(s, h, 8, 10);
  const CheckResult r = s.finish();
  CHECK(r.valid == Validity::Invalid);
  CHECK(r.summary.find("for key \"a\"") != std::string::npos);
  CHECK(linearizable().check(h, options("kv")).valid == Validity::Invalid);
}

TEST_CASE("the states a window can end in are carried exactly, not a guess", "[linear][stream]") {
  // A window of 62 writes of 0, then writes 1 and 2 overlapping: it can end
  // in 1 or in 2. Then a read of 2 pins the order, so a later read of 1 is
  // stale; with the read of 2 missing, the later read of 1 is fine.
  for (bool pinned : {true, false}) {
    std::vector<Op> ops;
    for (int i = 0; i < 62; ++i) {
      ops.push_back(ev(5, OpType::Invoke, "write", 0, "k"));
      ops.push_back(ev(5, OpType::Ok, "write", 0, "k"));
    }
    for (Op op : {ev(0, OpType::Invoke, "write", 1, "k"), ev(1, OpType::Invoke, "write", 2, "k"),
                  ev(0, OpType::Ok, "write", 1, "k"), ev(1, OpType::Ok, "write", 2, "k")})
      ops.push_back(op);
    if (pinned) {
      ops.push_back(ev(2, OpType::Invoke, "read", nullptr, "k"));
      ops.push_back(ev(2, OpType::Ok, "read", 2, "k"));
    }
    // Enough sequential reads of it to make a window of its own.
    for (int i = 0; i < 70; ++i) {
      ops.push_back(ev(3, OpType::Invoke, "read", nullptr, "k"));
      ops.push_back(ev(3, OpType::Ok, "read", pinned ? 2 : 1, "k"));
    }
    ops.push_back(ev(3, OpType::Invoke, "read", nullptr, "k"));
    ops.push_back(ev(3, OpType::Ok, "read", 1, "k"));
    const History h = history_of(ops);
    const CheckResult memory = linearizable().check(h, options("kv"));
    LinearStream s(options("kv"), h.source());
    const CheckResult fed = stream_from(h, options("kv"), &s);
    CHECK(memory.valid == (pinned ? Validity::Invalid : Validity::Valid));
    CHECK(fed.valid == memory.valid);
    CHECK(fed.detail["windows"].get<int>() >= 3);
    CHECK(s.peak_held_ops() <= 72);
  }
}

TEST_CASE("an info write holds its key to the end, and only its key", "[linear][stream]") {
  std::vector<Op> ops = {ev(0, OpType::Invoke, "write", 3, "x"), ev(0, OpType::Info, "write", 3, "x")};
  for (int i = 0; i < 100; ++i) {
    ops.push_back(ev(1, OpType::Invoke, "read", nullptr, "x"));
    ops.push_back(ev(1, OpType::Ok, "read", i < 50 ? Json() : Json(3), "x"));
    ops.push_back(ev(2, OpType::Invoke, "write", i, "y"));
    ops.push_back(ev(2, OpType::Ok, "write", i, "y"));
  }
  const History h = history_of(ops);
  LinearStream s(options("kv"), h.source());
  const CheckResult r = stream_from(h, options("kv"), &s);
  CHECK(r.valid == Validity::Valid);
  // x's 101 ops stayed; y's were released in windows.
  CHECK(s.peak_held_ops() >= 101);
  CHECK(s.peak_held_ops() < 101 + 70);
  // The write taking effect after a read of 3 would not do: invalid.
  ops.push_back(ev(1, OpType::Invoke, "read", nullptr, "x"));
  ops.push_back(ev(1, OpType::Ok, "read", nullptr, "x"));
  const History bad = history_of(ops);
  CHECK(stream_from(bad, options("kv")).valid == Validity::Invalid);
  CHECK(linearizable().check(bad, options("kv")).valid == Validity::Invalid);
}

TEST_CASE("a streamed window that runs out of time or memory makes the check unknown, never valid",
          "[linear][stream]") {
  // 18 concurrent writes, then reads of 1 and 2 one after the other: every
  // order of the writes must be tried.
  std::vector<Op> ops;
  for (int p = 0; p < 18; ++p) ops.push_back(ev(p, OpType::Invoke, "write", 1 + p, "k"));
  for (int p = 0; p < 18; ++p) ops.push_back(ev(p, OpType::Ok, "write", 1 + p, "k"));
  ops.push_back(ev(100, OpType::Invoke, "read", nullptr, "k"));
  ops.push_back(ev(100, OpType::Ok, "read", 1, "k"));
  ops.push_back(ev(101, OpType::Invoke, "read", nullptr, "k"));
  ops.push_back(ev(101, OpType::Ok, "read", 2, "k"));
  const History h = history_of(ops);
  CheckOptions timed = options("kv", 1e-6);
  const CheckResult t = stream_from(h, timed);
  CHECK(t.valid == Validity::Unknown);
  CHECK(t.detail["reason"].get<std::string>().find("time") != std::string::npos);
  CheckOptions small = options("kv", 0);
  small.memory_limit_mb = 1;
  const CheckResult m = stream_from(h, small);
  CHECK(m.valid == Validity::Unknown);
  CHECK(m.detail["reason"].get<std::string>().find("memory") != std::string::npos);
  CHECK(linearizable().check(h, small).valid == Validity::Unknown);
}

TEST_CASE("invocations whose key only their completion tells are checked under that key", "[linear][stream]") {
  // Process 0's ops carry their key on the completion only; process 1 works
  // on "a" with keys on both; an unkeyed op never completes.
  for (int stale : {0, 1}) {
    std::vector<Op> ops = {
        ev(0, OpType::Invoke, "write", 1, nullptr), ev(1, OpType::Invoke, "write", 2, "a"),
        ev(0, OpType::Ok, "write", 1, "a"),         ev(1, OpType::Ok, "write", 2, "a"),
        ev(0, OpType::Invoke, "read", nullptr, nullptr), ev(0, OpType::Ok, "read", 2, "a"),
        ev(1, OpType::Invoke, "read", nullptr, "a"), ev(1, OpType::Ok, "read", stale ? 1 : 2, "a"),
        ev(2, OpType::Invoke, "write", 7, nullptr),
    };
    for (Op& op : ops)
      if (op.key && op.key->is_null()) op.key.reset();
    const History h = history_of(ops);
    const std::string path = (std::filesystem::temp_directory_path() / "fl-linear-stream-unkeyed.jsonl").string();
    {
      JsonlWriter w(path);
      for (const Op& op : h.ops()) w.write(op);
      w.close();
    }
    const CheckResult memory = linearizable().check(h, options("kv"));
    const CheckResult file = stream_check_linearizable(path, Format::Jsonl, options("kv"));
    std::filesystem::remove(path);
    INFO(memory.summary << "\n" << file.summary);
    CHECK(memory.valid == (stale ? Validity::Invalid : Validity::Valid));
    CHECK(file.valid == memory.valid);
    CHECK(file.detail["anomalies"] == memory.detail["anomalies"]);
    CHECK(file.detail["partitions"] == memory.detail["partitions"]);
  }
}

TEST_CASE("an op that does not fit the model is refused with its file and line", "[linear][stream]") {
  const History h = history_of({ev(0, OpType::Invoke, "frob", 1, "k"), ev(0, OpType::Ok, "frob", 1, "k")});
  CHECK_THROWS_WITH(stream_from(h, options("kv")), Catch::Contains("test.jsonl:2"));
}

}  // namespace fl::test::stream_test

namespace fl::test::stream_test {
namespace {

// Feeds a file to a LinearStream as a run would: op by op, with the file
// being the one the run writes (everything fed is already in it).
CheckResult online_from_file(const std::string& path, LinearStream& s) {
  stream_history(path, Format::Jsonl, [&](const OpRef& r) { s.feed(r); });
  return s.finish();
}

std::string write_ops(const std::vector<Op>& ops, const std::string& name) {
  const std::string path = (std::filesystem::temp_directory_path() / name).string();
  JsonlWriter w(path);
  for (const Op& op : ops) w.write(op);
  w.close();
  return path;
}

}  // namespace

TEST_CASE("online, a quiet key is forgotten even after an info op, and the verdict stays the offline one",
          "[linear][stream]") {
  for (const bool planted : {false, true}) {
    bench::KvSimOptions o;
    o.info_every = 20;  // most keys end with an op that never completed
    if (planted) o.stale_at = 150000;
    const std::string path = write_sim(o, 400000, "fl-linear-stream-quiet.jsonl");
    CheckOptions opts = options("kv");
    const CheckResult memory = linearizable().check(read_history(path, Format::Jsonl), opts);
    LinearStream held(opts, path);
    const CheckResult kept = online_from_file(path, held);
    opts.live_history = path;
    LinearStream quiet(opts, path);
    const CheckResult forgot = online_from_file(path, quiet);
    std::filesystem::remove(path);
    INFO("planted " << planted << "\n" << memory.summary << "\n" << forgot.summary);
    REQUIRE(memory.valid == (planted ? Validity::Invalid : Validity::Valid));
    CHECK(kept.valid == memory.valid);
    CHECK(forgot.valid == memory.valid);
    CHECK(anomaly_keys(forgot) == anomaly_keys(memory));
    // Without the file, every key with an info op is held to the end; with
    // it, only the keys of the last kQuietLag events are.
    CHECK(quiet.quiet_keys() > 100);
    CHECK(quiet.wakes() == 0);
    CHECK(held.keys_held() > 400);
    CHECK(quiet.keys_held() < held.keys_held() / 4);
    CHECK(forgot.detail["partitions"] == kept.detail["partitions"]);
  }
}

TEST_CASE("a forgotten key that gets an op after all is read back and judged on all its ops", "[linear][stream]") {
  // x: write 1, then a write of 2 that never completes; a long stretch of y;
  // then x again: write 3, and a read of 2 — fine only if the old write took
  // effect last. A read of 1 there is not fine.
  for (const int last_read : {2, 1}) {
    std::vector<Op> ops = {ev(0, OpType::Invoke, "write", 1, "x"), ev(0, OpType::Ok, "write", 1, "x"),
                           ev(1, OpType::Invoke, "write", 2, "x"), ev(1, OpType::Info, "write", 2, "x")};
    for (std::int64_t i = 0; i < LinearStream::kQuietLag; ++i) {
      ops.push_back(ev(2, OpType::Invoke, "write", i % 5, "y"));
      ops.push_back(ev(2, OpType::Ok, "write", i % 5, "y"));
    }
    ops.push_back(ev(3, OpType::Invoke, "write", 3, "x"));
    ops.push_back(ev(3, OpType::Ok, "write", 3, "x"));
    ops.push_back(ev(3, OpType::Invoke, "read", nullptr, "x"));
    ops.push_back(ev(3, OpType::Ok, "read", last_read, "x"));
    const std::string path = write_ops(ops, "fl-linear-stream-wake.jsonl");
    CheckOptions opts = options("kv");
    opts.live_history = path;
    LinearStream s(opts, path);
    const CheckResult r = online_from_file(path, s);
    const CheckResult memory = linearizable().check(read_history(path, Format::Jsonl), options("kv"));
    std::filesystem::remove(path);
    INFO(r.summary);
    CHECK(s.quiet_keys() >= 1);  // x was forgotten
    CHECK(s.wakes() == 1);       // and read back
    CHECK(r.valid == (last_read == 2 ? Validity::Valid : Validity::Invalid));
    CHECK(r.valid == memory.valid);
    CHECK(r.detail["partitions"] == 2);
  }
}

}  // namespace fl::test::stream_test
