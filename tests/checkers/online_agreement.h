// A checker's online form (checkers/online.h) fed a history op by op as a
// run feeds it — pairs numbered as the run numbers them: invocations in file
// order, a completion taking its process's open invocation's number, nemesis
// events -1 — must finish with exactly its offline result (verdict, detail,
// summary), refuse what the offline check refuses with the same sentence
// (file:line, given the History's source), and have reported mid-run only
// anomalies the final result holds.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "checkers/online.h"

namespace fl::test {

// The anomalies reported mid-run (none when both forms refused the history).
inline std::vector<std::string> require_online_agrees(const Checker& c, const History& h,
                                                      const CheckOptions& opts = {}) {
  INFO(c.name() << " on " << h.source());
  CheckOptions named = opts;
  named.source = h.source();  // as a run or `faultline check` names the file
  std::unique_ptr<OnlineCheck> online = c.online(named);
  REQUIRE(online);
  bool refused = false;
  std::string refusal;
  CheckResult offline;
  try {
    offline = c.check(h, opts);
  } catch (const std::exception& e) {
    refused = true;
    refusal = e.what();
  }
  std::vector<std::string> early;
  std::map<std::int64_t, std::int64_t> open;  // process → pair
  std::int64_t next = 0;
  try {
    for (std::size_t i = 0; i < h.size(); ++i) {
      const Op& op = h[i];
      std::int64_t pair = -1;
      if (!op.is_nemesis()) {
        if (op.is_invoke()) {
          pair = open[op.process] = next++;
        } else if (auto it = open.find(op.process); it != open.end()) {
          pair = it->second;
          open.erase(it);
        }
      }
      online->feed(OpRef(h[i], static_cast<std::int64_t>(i), pair));
      for (std::string& a : online->take_anomalies()) early.push_back(std::move(a));
    }
  } catch (const std::exception& e) {
    INFO(e.what());
    CHECK(refused);
    CHECK(e.what() == refusal);  // the same sentence, naming the same file and line
    return {};
  }
  if (refused) {
    CHECK_THROWS(online->finish(static_cast<std::int64_t>(h.size())));
    return {};
  }
  const CheckResult fed = online->finish(static_cast<std::int64_t>(h.size()));
  CHECK(to_string(fed.valid) == to_string(offline.valid));
  CHECK(fed.detail.dump() == offline.detail.dump());
  CHECK(fed.summary == offline.summary);
  // What was reported early is final: the offline check reports it too.
  const Json& anomalies = offline.detail.contains("anomalies") ? offline.detail["anomalies"] : Json::array();
  const bool all_kept = anomalies.size() < 50;
  for (const std::string& a : early) {
    bool found = false;
    for (const Json& x : anomalies) found = found || (x.contains("explanation") && x["explanation"] == a);
    if (all_kept) CHECK(found);
  }
  if (!early.empty()) CHECK(offline.valid == Validity::Invalid);
  return early;
}

}  // namespace fl::test
