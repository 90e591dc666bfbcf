// Journal: faultline's written memory of what it has done to this machine,
// as JSON files under /run/faultline/ (tmpfs: a reboot, which undoes every
// namespace and rule, also forgets the journal). Writes are atomic (write a
// temporary file, then rename), so a crash leaves the old or the new file,
// never half of one. update() is a read-modify-write under a lock that holds
// across threads and across faultline processes (flock).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace fl::journal {

// The journal's directory, /run/faultline (created on first write).
std::string dir();
// The path of journal file `name` (e.g. "cluster.json").
std::string path(const std::string& name);

// The content of `name`, or nullopt if it does not exist. Throws ClusterError
// if it exists but is not JSON (a person must look at it).
std::optional<nlohmann::json> read(const std::string& name);
// Replaces `name` atomically.
void write(const std::string& name, const nlohmann::json& content);
// Removes `name`; absent is fine.
void remove(const std::string& name);
// Reads `name` (null if absent), lets `change` edit it, writes it back (or
// removes the file if the result is null) — all under the journal lock.
void update(const std::string& name, const std::function<void(nlohmann::json&)>& change);

}  // namespace fl::journal
