// txn-list-append against brute force: small random histories of committed
// list-append transactions with complete reads, checked against
// serializability, must be valid exactly when some serial order of the
// transactions explains every read. The histories come from a small
// multi-version store in which each transaction reads a snapshot that may
// lag behind the latest commits (so lost updates, write skew and stale reads
// all occur) and are recorded as fully concurrent (no real-time order).
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <numeric>
#include <random>

#include "checkers/registry.h"

namespace fl::test::txn_property {
namespace {

struct Mop {
  bool append;
  int key;
  std::vector<int> value;  // append: {v}; read: the list seen
};
using Txn = std::vector<Mop>;

// Runs the txns in commit order; each reads a snapshot `lag` commits old
// (plus its own appends). Returns the txns with their reads filled in.
std::vector<Txn> execute(std::mt19937_64& rng, int n, int keys, int max_lag) {
  std::vector<std::map<int, std::vector<int>>> states(1);
  for (int k = 0; k < keys; ++k) states[0][k] = {};
  std::vector<Txn> txns;
  int next_value = 1;
  for (int j = 0; j < n; ++j) {
    int lag = std::uniform_int_distribution<int>(0, max_lag)(rng);
    auto snapshot = states[std::max(0, j - lag)];
    auto latest = states.back();
    Txn t;
    int len = std::uniform_int_distribution<int>(1, 4)(rng);
    for (int i = 0; i < len; ++i) {
      int k = std::uniform_int_distribution<int>(0, keys - 1)(rng);
      if (std::bernoulli_distribution(0.5)(rng)) {
        int v = next_value++;
        t.push_back({true, k, {v}});
        snapshot[k].push_back(v);
        latest[k].push_back(v);
      } else {
        t.push_back({false, k, snapshot[k]});
      }
    }
    states.push_back(latest);
    txns.push_back(t);
  }
  return txns;
}

// Is there a serial order of the txns that gives every read?
bool serializable_by_brute_force(const std::vector<Txn>& txns, int keys) {
  std::vector<int> order(txns.size());
  std::iota(order.begin(), order.end(), 0);
  do {
    std::vector<std::vector<int>> lists(keys);
    bool ok = true;
    for (int i : order) {
      for (const Mop& m : txns[i]) {
        if (m.append) lists[m.key].push_back(m.value[0]);
        else if (lists[m.key] != m.value) ok = false;
      }
      if (!ok) break;
    }
    if (ok) return true;
  } while (std::next_permutation(order.begin(), order.end()));
  return false;
}

History as_history(std::mt19937_64& rng, const std::vector<Txn>& txns) {
  std::vector<Op> ops;
  auto value = [](const Txn& t, bool completed) {
    Json v = Json::array();
    for (const Mop& m : t) {
      if (m.append) v.push_back(Json::array({"append", m.key, m.value[0]}));
      else v.push_back(Json::array({"r", m.key, completed ? Json(m.value) : Json()}));
    }
    return v;
  };
  std::vector<int> procs(txns.size());
  std::iota(procs.begin(), procs.end(), 0);
  std::shuffle(procs.begin(), procs.end(), rng);
  auto op = [&](int p, OpType type) {
    Op o;
    o.process = p;
    o.type = type;
    o.f = "txn";
    o.value = value(txns[p], type != OpType::Invoke);
    return o;
  };
  for (int p : procs) ops.push_back(op(p, OpType::Invoke));
  std::shuffle(procs.begin(), procs.end(), rng);
  for (int p : procs) ops.push_back(op(p, OpType::Ok));
  return History(std::move(ops), "property");
}

}  // namespace

TEST_CASE("txn-list-append agrees with a brute-force search over serial orders on 10,000 random histories",
          "[txn][property]") {
  const Checker* checker = find_checker("txn-list-append");
  REQUIRE(checker != nullptr);
  CheckOptions opts;
  opts.params["consistency-models"] = "serializable";
  std::mt19937_64 rng(20240611);
  int disagreements = 0, serializable = 0, not_serializable = 0;
  for (int i = 0; i < 10000; ++i) {
    int n = std::uniform_int_distribution<int>(2, 6)(rng);
    int keys = std::uniform_int_distribution<int>(1, 3)(rng);
    int max_lag = std::uniform_int_distribution<int>(0, 3)(rng);
    std::vector<Txn> txns = execute(rng, n, keys, max_lag);
    // At least one read, so there is something to infer from.
    bool reads = std::any_of(txns.begin(), txns.end(), [](const Txn& t) {
      return std::any_of(t.begin(), t.end(), [](const Mop& m) { return !m.append; });
    });
    if (!reads) txns.back().push_back({false, 0, {}});
    bool expected = serializable_by_brute_force(txns, keys);
    History h = as_history(rng, txns);
    CheckResult r = checker->check(h, opts);
    bool empty_graph = r.detail["anomaly-types"] == Json::array({"empty-transaction-graph"});
    bool agrees = expected ? (r.valid == Validity::Valid || (r.valid == Validity::Unknown && empty_graph))
                           : r.valid == Validity::Invalid;
    if (!agrees && disagreements++ < 5) {
      INFO("history " << i << ": brute force says " << (expected ? "serializable" : "not serializable"));
      for (const Op& op : h.ops()) INFO(to_json(op).dump());
      INFO(r.summary);
      CHECK(agrees);
    }
    (expected ? serializable : not_serializable)++;
  }
  CHECK(disagreements == 0);
  // Both outcomes must be well represented, or the test proves little.
  CHECK(serializable > 2000);
  CHECK(not_serializable > 2000);
}

}  // namespace fl::test::txn_property
