// `faultline check` streams a history of transactions into Txns
// (checkers/txn/stream.h) instead of reading it into a History. These tests
// hold it to giving exactly what the History-based checkers give — verdict,
// results (anomalies with their explanations, models ruled out), summary,
// and, for bad input, the very same error sentence — on the Elle corpus
// (EDN and elle-cli JSON as they are, and written out as JSONL), on simulated histories with a planted anomaly of
// every class, and on random histories of odd shapes (unfinished, failed and
// info transactions, nemesis events, string / negative / huge / float keys
// and values, spaces, escapes, malformed lines).
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <optional>
#include <random>
#include <sstream>
#include <unistd.h>

#include <fmt/format.h>

#include "checkers/registry.h"
#include "checkers/txn/checks.h"
#include "checkers/txn/stream.h"
#include "history/error.h"
#include "history/format.h"
#include "history/jsonl.h"
#include "tests/checkers/txn_sim.h"

namespace fl::test::txn_stream {
namespace {

using txn::ReadShape;

// A file under the temp dir holding `content`, removed at scope exit.
class StreamTestFile {
 public:
  explicit StreamTestFile(const std::string& content) {
    char tmpl[] = "/tmp/fl-txn-stream-XXXXXX";
    int fd = mkstemp(tmpl);
    REQUIRE(fd >= 0);
    ::close(fd);
    path_ = tmpl;
    std::ofstream(path_, std::ios::binary) << content;
  }
  ~StreamTestFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string rendered(const CheckResult& r) {
  return std::string(to_string(r.valid)) + "\n" + r.detail.dump(1) + "\n" + r.summary;
}

// What the History-based checker says of the file: its result, or its error.
std::string by_history(const std::string& path, ReadShape shape, const Json& params) {
  try {
    History h = read_history(path);
    CheckOptions o;
    o.params = params;
    return rendered(find_checker(txn::txn_checker_name(shape))->check(h, o));
  } catch (const BadInput& e) {
    return std::string("bad input: ") + e.what();
  } catch (const std::invalid_argument& e) {
    return std::string("usage: ") + e.what();
  }
}

std::string by_stream(const std::string& path, ReadShape shape, const Json& params) {
  try {
    txn::StreamedTxns s = txn::stream_txns(path, Format::Auto, shape);
    History h = read_history(path);  // for the counts alone
    CHECK(s.events == static_cast<std::int64_t>(h.size()));
    CHECK(s.operations == static_cast<std::int64_t>(h.pairs().size()));
    CheckOptions o;
    o.params = params;
    return rendered(txn::check_txns(shape, s.txns, o));
  } catch (const BadInput& e) {
    return std::string("bad input: ") + e.what();
  } catch (const std::invalid_argument& e) {
    return std::string("usage: ") + e.what();
  }
}

// Checks the file both ways under each set of params; returns how many
// comparisons ended in a result rather than an error.
int compare_both_ways(const std::string& path, ReadShape shape, const std::vector<Json>& param_sets) {
  int results = 0;
  for (const Json& params : param_sets) {
    std::string expected = by_history(path, shape, params);
    std::string got = by_stream(path, shape, params);
    INFO(path << " as " << txn::txn_checker_name(shape) << " with " << params.dump());
    REQUIRE(got == expected);
    if (expected.rfind("bad input", 0) != 0 && expected.rfind("usage", 0) != 0) ++results;
  }
  return results;
}

const std::vector<Json>& list_params() {
  static const std::vector<Json> p = {Json::object(), Json{{"consistency-models", "serializable"}},
                                      Json{{"consistency-models", "snapshot-isolation"}}};
  return p;
}

const std::vector<Json>& register_params() {
  static const std::vector<Json> p = {Json::object(), Json{{"consistency-models", "serializable"}},
                                      Json{{"linearizable-keys", true}},
                                      Json{{"wfr-keys", true}, {"sequential-keys", true}}};
  return p;
}

// ---- random histories of odd shapes, written by hand as JSONL ----

class OddHistory {
 public:
  OddHistory(std::uint64_t seed, ReadShape shape) : rng_(seed), shape_(shape) {}

  std::string make(int txns) {
    std::vector<std::int64_t> process = {0, 1, 2, 3};
    std::vector<std::string> open(process.size());  // the invoked txn's micro-ops, "" when idle
    std::int64_t next_process = 4;
    int invoked = 0;
    bool malformed = chance(0.15);
    while (invoked < txns || any_open(open)) {
      if (chance(0.03)) line(R"({"process":"nemesis","type":"info","f":"partition","value":null})");
      std::size_t p = pick(process.size());
      if (open[p].empty()) {
        if (invoked >= txns) continue;
        ++invoked;
        open[p] = txn_text(false);
        bool plain_f = !chance(0.05);
        if (!plain_f && chance(0.5)) {
          line(fmt::format(R"({{"process":{},"type":"invoke","f":"read","value":null}})", process[p]));
          open[p] = "-";
        } else {
          line(fmt::format(R"({{"process":{},"type":"invoke",{}"value":{}}})", process[p], plain_f ? "\"f\":\"txn\"," : "",
                           open[p]));
        }
        continue;
      }
      double r = unit();
      const char* type = r < 0.7 ? "ok" : r < 0.8 ? "fail" : r < 0.9 ? "info" : nullptr;
      if (!type) {  // never completes: the process is abandoned
        process[p] = next_process++;
        open[p].clear();
        continue;
      }
      std::string f = open[p] == "-" ? "read" : "txn";
      std::string value = open[p] == "-" ? "7"
                          : std::string(type) == "ok" || chance(0.3) ? txn_text(true)
                          : chance(0.5) ? "null"
                                        : open[p];
      if (chance(0.1)) value = "[" + std::string(chance(0.5) ? " " : "") + value.substr(1);
      line(fmt::format(R"({{"process":{},"type":"{}","f":"{}","value":{}}})", process[p], type, f, value));
      open[p].clear();
    }
    if (malformed) corrupt();
    std::string out;
    for (const std::string& l : lines_) out += l + "\n";
    return out;
  }

 private:
  bool chance(double p) { return unit() < p; }
  double unit() { return std::uniform_real_distribution<double>(0, 1)(rng_); }
  std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }
  static bool any_open(const std::vector<std::string>& open) {
    for (const std::string& o : open)
      if (!o.empty()) return true;
    return false;
  }
  void line(std::string l) { lines_.push_back(std::move(l)); }

  std::string key() {
    static const char* odd[] = {"\"x\"", "\"y\"", "-1", "-7", "99999999999", "\"a\\\"b\"", "\"\\u00e9\"", "3.5"};
    return chance(0.85) ? std::to_string(pick(4)) : odd[pick(8)];
  }
  // Unique in the history, as both checkers need (rw-register refuses a
  // value written twice to a key): each odd value is used once.
  std::string fresh_value() {
    ++counter_;
    static const char* odd[] = {"-1", "\"v\"", "1.5", "12345678901234567890", "\"w\\\"\"", "true", "-3"};
    if (chance(0.9)) return std::to_string(counter_);
    std::string v = odd[pick(7)];
    return used_odd_.insert(v).second ? v : std::to_string(counter_);
  }
  std::string read_value(const std::string& k) {
    auto& written = written_[k];
    if (shape_ == ReadShape::Value) return written.empty() || chance(0.2) ? "null" : written[pick(written.size())];
    std::size_t n = written.empty() ? 0 : pick(written.size() + 1);
    std::string s = "[";
    for (std::size_t i = 0; i < n; ++i) s += (i ? (chance(0.1) ? ", " : ",") : "") + written[i];
    if (chance(0.03) && !written.empty()) s += (n ? "," : "") + written[pick(written.size())];  // out of order
    return s + "]";
  }
  // A list of 1–5 micro-ops; `complete`: reads carry values.
  std::string txn_text(bool complete) {
    int n = 1 + static_cast<int>(pick(5));
    std::string s = "[";
    for (int i = 0; i < n; ++i) {
      std::string k = key();
      s += i ? (chance(0.1) ? " , " : ",") : "";
      if (chance(0.5)) {
        std::string v = fresh_value();
        written_[k].push_back(v);
        s += fmt::format(R"(["{}",{},{}])", shape_ == ReadShape::List ? "append" : "w", k, v);
      } else if (!complete && chance(0.2)) {
        s += fmt::format(R"(["r",{}])", k);
      } else {
        s += fmt::format(R"(["r",{},{}])", k, complete ? read_value(k) : "null");
      }
    }
    return s + "]";
  }
  // One kind of damage a reader or a checker must refuse, somewhere.
  void corrupt() {
    if (lines_.empty()) return;
    std::string& l = lines_[pick(lines_.size())];
    static const char* bad[] = {
        R"({"process":1,"type":"ok","f":"txn","value":[["append",1]]})",
        R"({"process":9,"type":"ok","f":"txn","value":[["r",1,[1]]]})",
        R"({"process":1,"type":"invoke","f":"txn","value":[["x",1,2]]})",
        R"({"process":1,"type":"invoke","f":"txn","value":[["r",1,5]]})",
        R"({"process":1,"type":"invoke","f":"txn","value":[["r",1,[null]]]})",
        R"({"process":1,"type":"invoke","f":"txn","value":[["append",1,null]]})",
        R"({"process":1,"type":"invoke","f":"txn","value":7})",
        R"({"process":1,"type":"okay","f":"txn","value":[["r",1,[1]]]})",
        R"({"process":1,"type":"ok","f":"txn","value":[["r",1,[1,]]]})",
        R"({"process":1,"type":"ok","f":"txn","value":[["r",1,[01]]]})",
    };
    l = bad[pick(10)];
  }

  std::mt19937_64 rng_;
  ReadShape shape_;
  std::int64_t counter_ = 0;
  std::map<std::string, std::vector<std::string>> written_;
  std::set<std::string> used_odd_;
  std::vector<std::string> lines_;
};

std::string jsonl_of(const History& h) {
  std::ostringstream out;
  write_jsonl(out, h);
  return out.str();
}

}  // namespace

TEST_CASE("a streamed check of every Elle corpus history gives what the History-based check gives", "[txn][stream]") {
  int files = 0, results = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(FL_CORPUS_DIR) + "/elle")) {
    std::string ext = entry.path().extension().string();
    if (ext != ".edn" && ext != ".json") continue;
    History h;
    try {
      h = read_history(entry.path().string());
    } catch (const BadInput&) {
      continue;  // not a history (none today)
    }
    StreamTestFile f(jsonl_of(h));
    for (const std::string& path : {entry.path().string(), f.path()}) {
      results += compare_both_ways(path, ReadShape::List, list_params());
      results += compare_both_ways(path, ReadShape::Value, register_params());
    }
    ++files;
  }
  CHECK(files >= 45);
  CHECK(results >= 200);  // most of them are results, not refusals
}

TEST_CASE("a streamed check of simulated histories with planted anomalies gives what the History-based check gives",
          "[txn][stream]") {
  for (std::uint64_t seed : {1, 2}) {
    sim::TxnSimOptions o;
    o.seed = seed;
    o.txns = 2000;
    o.plants = sim::all_plants();
    StreamTestFile f(jsonl_of(sim::simulate_list_append(o)));
    std::string got = by_stream(f.path(), ReadShape::List, Json::object());
    for (sim::Plant p : o.plants) CHECK(got.find(std::string("\"") + sim::plant_anomaly(p) + "\"") != std::string::npos);
    compare_both_ways(f.path(), ReadShape::List, list_params());
  }
}

TEST_CASE("a streamed check of random odd histories gives the History-based result or the same error",
          "[txn][stream]") {
  int results = 0, errors = 0;
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    for (ReadShape shape : {ReadShape::List, ReadShape::Value}) {
      StreamTestFile f(OddHistory(seed, shape).make(40));
      int r = compare_both_ways(f.path(), shape, shape == ReadShape::List ? list_params() : register_params());
      results += r;
      errors += (shape == ReadShape::List ? 3 : 4) - r;
    }
  }
  // Both kinds must be well represented. Since an op that is not a
  // transaction is refused rather than skipped, 168 checks of
  // these seeds end in a result.
  CHECK(results > 150);
  CHECK(errors > 30);
}

TEST_CASE("a streamed check reports the error a History-based check reports first, wherever it is in the file",
          "[txn][stream]") {
  const std::string ok_txn = R"({"process":0,"type":"invoke","f":"txn","value":[["append",1,1]]})" "\n"
                             R"({"process":0,"type":"ok","f":"txn","value":[["append",1,1]]})" "\n";
  const std::string bad_mop = R"({"process":1,"type":"invoke","f":"txn","value":[["append",1]]})" "\n"
                              R"({"process":1,"type":"fail","f":"txn","value":null})" "\n";
  const std::string unpaired = R"({"process":5,"type":"ok","f":"txn","value":[["r",1,[1]]]})" "\n";
  const std::string bad_json = R"({"process":2,"type":"invoke","f":"txn","value":[["r",1,nul]]})" "\n";
  const std::string bad_mop_later = R"({"process":3,"type":"invoke","f":"txn","value":[["x",1,1]]})" "\n"
                                    R"({"process":3,"type":"ok","f":"txn","value":null})" "\n";
  for (const std::string& text : {ok_txn + bad_mop + unpaired, ok_txn + bad_mop + bad_json, bad_json + unpaired,
                                  ok_txn + bad_mop + bad_mop_later, ok_txn + bad_mop_later + bad_mop, ok_txn + bad_mop}) {
    StreamTestFile f(text);
    std::string expected = by_history(f.path(), ReadShape::List, Json::object());
    CHECK(expected.rfind("bad input", 0) == 0);
    CHECK(by_stream(f.path(), ReadShape::List, Json::object()) == expected);
    // Options are refused before the data, both ways.
    Json bogus{{"consistency-models", "bogus"}};
    CHECK(by_stream(f.path(), ReadShape::List, bogus) == by_history(f.path(), ReadShape::List, bogus));
  }
}

TEST_CASE("with no checker named, a history of transactions streams in the shape the default checker reads",
          "[txn][stream]") {
  // rw-register histories read single values, which the list-append shape
  // refuses: they must stream in the Value shape too, not fall back to a
  // History (3.4 times the memory on a 50,000-txn history).
  const std::string rw = R"({"process":0,"type":"invoke","f":"txn","value":[["w",1,1],["r",2,null]]})" "\n"
                         R"({"process":0,"type":"ok","f":"txn","value":[["w",1,1],["r",2,null]]})" "\n"
                         R"({"process":1,"type":"invoke","f":"txn","value":[["r",1,null]]})" "\n"
                         R"({"process":1,"type":"ok","f":"txn","value":[["r",1,1]]})" "\n";
  const std::string append = R"({"process":0,"type":"invoke","f":"txn","value":[["append",1,1]]})" "\n"
                             R"({"process":0,"type":"ok","f":"txn","value":[["append",1,1]]})" "\n"
                             R"({"process":1,"type":"invoke","f":"txn","value":[["r",1,null]]})" "\n"
                             R"({"process":1,"type":"ok","f":"txn","value":[["r",1,[1]]]})" "\n";
  const std::string other = R"({"process":2,"type":"invoke","f":"read","value":null})" "\n"
                            R"({"process":2,"type":"ok","f":"read","value":3})" "\n";
  const std::string bad = R"({"process":3,"type":"invoke","f":"txn","value":[["w",1]]})" "\n";
  struct Case {
    std::string text;
    std::optional<ReadShape> shape;
  };
  for (const Case& c : {Case{rw, ReadShape::Value}, Case{append, ReadShape::List}, Case{rw + other, std::nullopt},
                        Case{other + append, std::nullopt}, Case{rw + bad, std::nullopt},
                        Case{append + bad, std::nullopt}, Case{"", std::nullopt}}) {
    StreamTestFile f(c.text);
    INFO(c.text);
    std::optional<txn::StreamedTxns> s = txn::stream_default_txns(f.path(), Format::Jsonl);
    REQUIRE(s.has_value() == c.shape.has_value());
    if (!s) continue;
    CHECK(s->shape == *c.shape);
    CHECK(rendered(txn::check_txns(s->shape, s->txns, CheckOptions{})) ==
          by_history(f.path(), *c.shape, Json::object()));
  }
  int streamed = 0;
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    StreamTestFile f(OddHistory(seed, ReadShape::Value).make(40));
    std::string expected = by_history(f.path(), ReadShape::Value, Json::object());
    std::optional<txn::StreamedTxns> s;
    try {
      s = txn::stream_default_txns(f.path(), Format::Jsonl);
    } catch (const BadInput& e) {
      CHECK(expected == std::string("bad input: ") + e.what());  // read_history's error
      continue;
    }
    if (!s) continue;
    ++streamed;
    CHECK(s->shape == ReadShape::Value);
    CHECK(rendered(txn::check_txns(s->shape, s->txns, CheckOptions{})) == expected);
  }
  CHECK(streamed >= 10);
}

}  // namespace fl::test::txn_stream
