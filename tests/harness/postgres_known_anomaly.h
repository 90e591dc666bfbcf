// The PostgreSQL end-to-end test's predicate: a txn-list-append result
// (its entry of results.json) judged against strict serializability passes
// when it is valid, or invalid only by the anomaly PostgreSQL 15's
// SERIALIZABLE is known to commit (README "PostgreSQL"): G2-item, or its
// realtime form, each cycle of three or four transactions with exactly two
// rw edges one right after the other (SSI's dangerous structure: a pivot
// with an rw edge in and one out) and every other step wr or ww (G2-item) or
// wr, ww or realtime (G2-item-realtime). Anything else — another anomaly, a
// two-transaction write skew, a cycle with its rw edges apart, unknown, a
// weaker model asked for — fails it.
#pragma once

#include <set>
#include <string>

#include <fmt/format.h>

#include "history/history.h"

namespace fl::test {

// "" when the result passes; else one sentence saying why not.
inline std::string beyond_known_postgres_anomaly(const Json& result) {
  if (result.value("consistency-models", Json::array()) != Json::array({"strict-serializable"}))
    return "judged against " + result.value("consistency-models", Json()).dump() + ", not strict-serializable";
  const Json valid = result.value("valid", Json());
  if (valid == true) return "";
  if (valid != false) return "no verdict: " + result.dump();
  const std::set<std::string> known = {"G2-item", "G2-item-realtime"};
  for (const Json& t : result.value("anomaly-types", Json::array()))
    if (!known.count(t.get<std::string>())) return "anomaly " + t.get<std::string>() + " is not PostgreSQL's known one";
  const Json counts = result.value("anomaly-counts", Json::object());
  for (const auto& [type, count] : counts.items()) {
    std::size_t kept = 0;
    for (const Json& a : result.value("anomalies", Json::array())) kept += a.value("kind", "") == type;
    if (kept != count.get<std::size_t>())
      return fmt::format("{} {} cycles found but only {} kept to look at", count.get<std::size_t>(), type, kept);
  }
  for (const Json& a : result.value("anomalies", Json::array())) {
    const std::string kind = a.value("kind", "");
    const Json cycle = a.value("cycle", Json::array());
    const std::string what = fmt::format("{} cycle {}", kind, a.value("explanation", ""));
    if (cycle.size() < 3 || cycle.size() > 4) return what + ": not of three or four transactions";
    std::size_t n = cycle.size(), rw = 0, rw_in_a_row = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const std::string type = cycle[i].value("type", "");
      const bool is_rw = type == "rw";
      rw += is_rw;
      rw_in_a_row += is_rw && cycle[(i + 1) % n].value("type", "") == "rw";
      if (!is_rw && type != "wr" && type != "ww" && !(type == "realtime" && kind == "G2-item-realtime"))
        return what + ": a step of type " + type;
    }
    if (rw != 2 || rw_in_a_row != 1) return what + ": not exactly two rw edges one right after the other";
  }
  return "";
}

}  // namespace fl::test
