// ResultsFile: results.json as one typed value (DESIGN.md's shape): the
// verdict, why it is unknown, what the run could not vouch for, each
// checker's own object (its "valid", "anomalies" and whatever that checker
// adds), or — for `faultline check` of several histories — each file's.
// to_json and from_json are the only writer and reader of that shape: every
// reader of a verdict (the report, `faultline report`, the store's pages)
// reads it through from_json, which never throws on odd fields: a "valid"
// that is not true or false reads unknown.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "checkers/checker.h"

namespace fl {

// true | false | anything else (unknown): the inverse of validity_json.
Validity validity_from_json(const Json& v);

struct ResultsFile {
  Validity valid = Validity::Valid;
  std::optional<std::string> reason;        // why unknown, when said
  std::vector<std::string> run_problems;    // what the run could not vouch for
  std::string note;                         // a word for the reader ("never checked")
  std::vector<std::string> packet_shapers;  // what shaped the packets: "netem", "nfqueue"
  std::string data_mount;                   // what the nodes' data directories were mounted through: "fl-diskfs"
  // What the clients said on the wire (wire.jsonl): {"exchanges": N,
  // "truncated": bool}; null when the run kept none.
  Json wire_log;
  // What the network carried per op and the ok ops' latency quantiles
  // (harness/network_stats.h); null when the run did not measure them.
  Json network;
  // The checks made while the run recorded (harness/online_checking.h):
  // {"checkers": {NAME: {"valid", "anomalies-found", "agrees"}}, "max-lag":
  // ops, "stopped-on-anomaly": bool}; null when none was.
  Json online;
  // NAME → the checker's object, "valid" and "anomalies" always in it.
  std::vector<std::pair<std::string, Json>> checkers;
  // `faultline check` of several histories: each path's own results (then
  // `checkers` is empty and `valid` the worst of them).
  std::vector<std::pair<std::string, ResultsFile>> files;

  // Sets checker NAME's object (replacing one of that name), in run order.
  void set_checker(const std::string& name, Json object);
  // One checker's verdict, as its object says.
  static Validity valid_of(const Json& checker) {
    return validity_from_json(checker.is_object() && checker.contains("valid") ? checker["valid"] : Json());
  }
  Json to_json() const;
  static ResultsFile from_json(const Json& j);
};

}  // namespace fl
