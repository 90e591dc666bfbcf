// HostJournal: a remote host's own journal — one JSON file on that host, in
// the shape of the local journal files (journal.h):
//   {"host": <ref>, "faults": [<faults.json entries>], "daemons": [{name, pid, start, log}]}
// so that `faultline heal --ssh HOST,…` can undo, from any machine and after
// a crash, exactly what faultline did there. Written atomically on the host
// (temporary file, then rename) through Host::run; updates from one faultline
// process are serialized (one cluster has one owner at a time).
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "cluster/host.h"

namespace fl::host_journal {

// Where the journal of `host` lives on that host:
// /run/faultline/hosts/<address>.json (named by address, so hosts that share
// a filesystem — namespaces on one machine — keep separate files).
std::string path(const Host& host);

// The journal's content, or null if the host has none. Throws ClusterError if
// the host cannot be reached or the file is not JSON.
nlohmann::json read(Host& host);
// Reads, lets `change` edit, writes back; a journal left with nothing in it
// (see empty()) removes the file.
void update(Host& host, const std::function<void(nlohmann::json&)>& change);
// True if `j` records nothing: null, or every field but "host" empty.
bool empty(const nlohmann::json& j);

}  // namespace fl::host_journal
