// fl-diskfs on the nodes (fl-diskfs/: a FUSE filesystem that forgets, on
// command, what was never fsynced): where the program is, why a disk fault
// cannot run, the DataMount that puts a node's data directory on it, and its
// control commands. On this machine's nodes the program is $FL_DISKFS, the
// one beside faultline, or fl-diskfs on PATH; on an SSH host it is the one
// SshOptions::diskfs names (--ssh-diskfs), else fl-diskfs on that host's
// PATH, and that host must offer /dev/fuse and fusermount3 itself. Every
// mount is journaled (kind "diskfs") *before* it is made — on a remote host
// in its own journal too — so `faultline heal` (--ssh) and `faultline
// cluster down` unmount it and end the program after a crash.
// On a local namespace node every command runs in faultline's own mount
// namespace (nsenter): `ip netns exec` gives each command a private copy,
// where a mount would be seen by no one else. The node's daemon, started
// after the mount, sees it in its own copy. An SSH host's commands all run in
// its sshd's mount namespace, where its daemons run too.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "cluster/db.h"
#include "cluster/host.h"

namespace fl {

// The fl-diskfs program on this machine, or "" if there is none.
std::string diskfs_binary();
// The fl-diskfs program as `host` runs it: diskfs_binary() on this machine's
// nodes; on an SSH host its --ssh-diskfs, else "fl-diskfs" (its PATH).
std::string diskfs_binary_on(const Host& host);

// What this machine lacks to mount fl-diskfs (/dev/fuse, fusermount3,
// nsenter, the program), as the end of a sentence "… needs X" naming the
// fix; "" if nothing.
std::string diskfs_missing();
// The same for `host`: diskfs_missing() for this machine's nodes; for an SSH
// host, what that host lacks (/dev/fuse, fusermount3, fl-diskfs, or an
// fl-diskfs that does not run), naming the host — one command over SSH.
std::string diskfs_missing_on(Host& host);

// Why the fault `nemesis` cannot act on `db` (may be null) — a system whose
// data directory is not mounted through fl-diskfs and, when the nodes are
// on this machine, no /dev/fuse, no fusermount3, no fl-diskfs here — in one
// sentence naming the fix; "" if it can. (What an SSH host lacks shows
// once it is connected: diskfs_missing_on.)
std::string diskfs_unavailable(const std::string& nemesis, const Db* db, bool nodes_on_this_machine = true);

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
