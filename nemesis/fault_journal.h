// FaultJournal: every fault is written to /run/faultline/faults.json *before*
// it is applied, with what is needed to undo it without the process that made
// it (the namespace of each node, the iptables chain, the qdisc, the paused
// pids). undo_fault() reverses one entry; heal_journaled() reverses them all —
// it is `faultline heal`, and is safe to run twice. Undo tolerates what is
// already gone (a deleted namespace, a process that died).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cluster/host.h"

namespace fl {

// Kinds of entry (the "kind" field):
//   "iptables-chain"  {chain, hook}       a chain of ours hooked into INPUT/OUTPUT
//   "qdisc"           {iface}             a root qdisc of ours on each node's interface
//   "shaper"          {chain}             fl-shaper on each node, fed by the FL-SHAPE chain
//   "clock"           {}                  a clock offset on each node (libfaketime, or a real clock)
//   "paused"          {pids: {node: […]}} processes stopped with SIGSTOP
//   "killed"          {}                  daemons SIGKILLed; their run restarts them on
//                                         heal, and after a crash nothing can (heal says so)
//   "diskfs"          {dir, backing,      a data directory mounted through fl-diskfs
//                      pid, program}      (nemesis/diskfs.h); heal ends it and unmounts
// and every entry has "nodes": [{name, address, netns | ssh, ssh_options}] and "id".
// Remote hosts (Host::remote()) among `hosts` also get the entry in their own
// journal (cluster/host_journal.h), so `faultline heal --ssh` finds it there.

// Adds `entry` (a kind, fields, nodes) and returns its id.
std::string journal_fault(nlohmann::json entry, const std::vector<Host*>& hosts = {});
// Adds `fields` to the entry `id` (e.g. a pid known only after the fault
// began), here and on the remote `hosts`.
void amend_fault(const std::string& id, const nlohmann::json& fields, const std::vector<Host*>& hosts = {});
// Drops the entry `id` (after it was undone), here and on the remote `hosts`.
void forget_fault(const std::string& id, const std::vector<Host*>& hosts = {});
std::vector<nlohmann::json> journaled_faults();

// The reference to a host stored in an entry, and the host it names again.
nlohmann::json node_ref(const Host& host);
nlohmann::json node_refs(const std::vector<Host*>& hosts);
std::unique_ptr<Host> host_from_ref(const nlohmann::json& ref);

// Reverses one entry on every node it names (in parallel). Never throws for
// resources that are already gone; throws ClusterError if an undo failed.
void undo_fault(const nlohmann::json& entry);
// Reverses one entry on `hosts` only (those it names).
void undo_fault_on(const nlohmann::json& entry, const std::vector<Host*>& hosts);

// `faultline heal --ssh`: undoes every fault in each host's own journal,
// stops the daemons it records (if still the same processes) and clears it;
// also forgets the local entries that named only these hosts. One line per
// action, for humans.
std::vector<std::string> heal_hosts(const std::vector<Host*>& hosts);
// Resumes (SIGCONT) the journaled paused processes of `node` ("" = every
// node) and forgets them; returns how many pids were resumed.
int resume_paused(const std::string& node);

// Undoes and forgets every entry; returns one line per entry for humans.
std::vector<std::string> heal_journaled();

}  // namespace fl
