// fl-diskfs on the nodes (fl-diskfs/: a FUSE filesystem that forgets, on
// command, what was never fsynced): where the program is ($FL_DISKFS, beside
// faultline, or on PATH), why a disk fault cannot run, the DataMount that
// puts a node's data directory on it, and its control commands. Every mount
// is journaled (kind "diskfs") *before* it is made, so `faultline heal` and
// `faultline cluster down` unmount it and end the program after a crash.
// On a local namespace node every command runs in faultline's own mount
// namespace (nsenter): `ip netns exec` gives each command a private copy,
// where a mount would be seen by no one else. The node's daemon, started
// after the mount, sees it in its own copy.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "cluster/db.h"
#include "cluster/host.h"

namespace fl {

// The fl-diskfs program, or "" if there is none.
std::string diskfs_binary();

// What this machine lacks to mount fl-diskfs (/dev/fuse, fusermount3,
// nsenter, the program), in one sentence naming the fix; "" if nothing.
std::string diskfs_missing();

// Why the fault `nemesis` cannot act on `db` (may be null) on this machine —
// no /dev/fuse, no fusermount3, no fl-diskfs, a system whose data directory
// is not mounted through it — in one sentence naming the fix; "" if it can.
std::string diskfs_unavailable(const std::string& nemesis, const Db* db);

// A DataMount of fl-diskfs: mount(host, DIR) keeps the data in DIR.backing
// and shows it in DIR; unmount() puts what the mount showed back into DIR.
// writeback_ms > 0: each mount makes everything pending durable that often.
std::shared_ptr<DataMount> make_diskfs_mount(long writeback_ms = 0);

// Runs `fl-diskfs ctl DIR COMMAND…` on `host` and returns its answer (one
// line). Throws ClusterError naming the node and the program's reason.
std::string diskfs_ctl(Host& host, const std::string& dir, const Argv& command);

// Undoes a journaled "diskfs" entry on `hosts` (those it names): ends the
// program, unmounts the directory (lazily, if a process still holds it). A
// local node whose namespace is already gone is unmounted from this machine
// directly (the mount lives in the machine's mount namespace, not the
// node's). Throws ClusterError if a directory stays mounted.
void undo_diskfs_mount(const nlohmann::json& entry, const std::vector<Host*>& hosts);

}  // namespace fl
