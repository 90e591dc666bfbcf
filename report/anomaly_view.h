// How one anomaly reads in the report: the checker's sentence; for a
// linearizability counterexample the last ops of the order the model
// accepts (after a cut: where it starts and the states it was searched
// from), the state that order leaves it in, the ops still running and the
// op that cannot go next; a cycle's edges in words; the other facts of the
// anomaly; and every op it names as a button that finds the op in the big
// timeline; and what the clients said on the wire for those ops (the run's
// wire log), in the order it was sent. Every string is escaped.
#pragma once

#include <cstdint>
#include <ostream>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <map>

#include "history/history.h"
#include "history/wire_log.h"

namespace fl {

struct AnomalyRef {
  std::string checker;
  const Json* anomaly;  // an element of results.json's anomalies, which outlives this
};

// Every anomaly of every checker in results.json, in the file's order.
std::vector<AnomalyRef> collect_anomalies(const Json& results);
// Every op index an anomaly names: its ops, a counterexample's prefix,
// pending and failed ops, and the ends of a cycle's edges.
std::set<std::int64_t> named_ops(const std::vector<AnomalyRef>& anomalies);
// Op indexes of a JSON integer or array of integers (anything else: none).
std::vector<std::int64_t> index_list(const Json& j);
// Labels the small timeline puts on an anomaly's ops, by index: "n:" for
// the n-th op of a counterexample's prefix and "X" for the op that cannot go.
Json op_labels(const Json& anomaly);

// The ops the anomalies name, found by the `index` of either end of an op.
class OpFinder {
 public:
  OpFinder(const History& h, const std::set<std::int64_t>& wanted);
  // "op 12, process 3: write 3 (ok)" — plain text, for the caller to escape.
  std::string describe(std::int64_t index) const;
  // The index of the invoke of the op that event `index` is an end of
  // (the key of its exchanges in the wire log); -1 for none.
  std::int64_t invoke_index(std::int64_t index) const;

 private:
  const History& h_;
  std::unordered_map<std::int64_t, std::size_t> pos_;
};

// What the clients said on the wire, by the invoke index of the op it served.
using WireMap = std::map<std::int64_t, std::vector<WireExchange>>;

// `wire` (may be null): the exchanges of the anomaly's ops are listed under it.
void write_anomaly(std::ostream& out, std::size_t id, const AnomalyRef& ref, const OpFinder& ops,
                   const WireMap* wire = nullptr);

}  // namespace fl
