#include "checkers/results_file.h"

namespace fl {

Validity validity_from_json(const Json& v) {
  if (v.is_boolean()) return v.get<bool>() ? Validity::Valid : Validity::Invalid;
  return Validity::Unknown;
}

void ResultsFile::set_checker(const std::string& name, Json object) {
  for (auto& [n, c] : checkers)
    if (n == name) {
      c = std::move(object);
      return;
    }
  checkers.emplace_back(name, std::move(object));
}

Json ResultsFile::to_json() const {
  Json j = {{"valid", validity_json(valid)}};
  if (!files.empty()) {
    Json by_path = Json::object();
    for (const auto& [path, r] : files) by_path[path] = r.to_json();
    j["files"] = by_path;
    return j;
  }
  Json by_name = Json::object();
  for (const auto& [name, c] : checkers) by_name[name] = c;
  j["checkers"] = by_name;
  if (reason) j["reason"] = *reason;
  if (!run_problems.empty()) j["run-problems"] = run_problems;
  if (!note.empty()) j["note"] = note;
  if (!packet_shapers.empty()) j["packet-shaper"] = packet_shapers;
  if (!data_mount.empty()) j["data-mount"] = data_mount;
  if (wire_log.is_object()) j["wire-log"] = wire_log;
  if (network.is_object()) j["network"] = network;
  if (online.is_object()) j["online"] = online;
  return j;
}

ResultsFile ResultsFile::from_json(const Json& j) {
  ResultsFile r;
  r.valid = Validity::Unknown;
  if (!j.is_object()) return r;
  r.valid = validity_from_json(j.value("valid", Json()));
  if (j.contains("reason") && j["reason"].is_string()) r.reason = j["reason"].get<std::string>();
  if (j.contains("note") && j["note"].is_string()) r.note = j["note"].get<std::string>();
  if (j.contains("run-problems") && j["run-problems"].is_array())
    for (const Json& p : j["run-problems"])
      if (p.is_string()) r.run_problems.push_back(p.get<std::string>());
  if (j.contains("packet-shaper") && j["packet-shaper"].is_array())
    for (const Json& p : j["packet-shaper"])
      if (p.is_string()) r.packet_shapers.push_back(p.get<std::string>());
  if (j.contains("data-mount") && j["data-mount"].is_string()) r.data_mount = j["data-mount"].get<std::string>();
  if (j.contains("wire-log") && j["wire-log"].is_object()) r.wire_log = j["wire-log"];
  if (j.contains("network") && j["network"].is_object()) r.network = j["network"];
  if (j.contains("online") && j["online"].is_object()) r.online = j["online"];
  if (j.contains("checkers") && j["checkers"].is_object())
    for (auto it = j["checkers"].begin(); it != j["checkers"].end(); ++it) r.checkers.emplace_back(it.key(), it.value());
  if (j.contains("files") && j["files"].is_object())
    for (auto it = j["files"].begin(); it != j["files"].end(); ++it)
      r.files.emplace_back(it.key(), from_json(it.value()));
  return r;
}

}  // namespace fl
