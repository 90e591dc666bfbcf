// Snapshot: a Raft server's compacted prefix (§7 of Ongaro & Ousterhout
// 2014) — lastIncludedIndex, lastIncludedTerm and the state machine's whole
// state after applying that entry, as JSON text (kept as text: a few bytes a
// key, where a parsed map costs a hundred) — and its file in a node's data
// directory (<dir>/raft.snap: a line {"index": i, "term": t}, then a line
// with the state). save_snapshot() writes a temporary
// file and renames it over the old one, so a crash at any moment leaves
// either the old snapshot or the new one, never half of one; with
// Durability::Fsync the file is synced before the rename and the directory
// after it (the rename is durable when it returns), with Durability::Write
// nothing is synced (a power cut may bring back the old snapshot), and with
// Durability::None nothing is written. Stateless functions, thread-safe for
// different paths.
#pragma once

#include <cstdint>
#include <string>

#include "wal.h"

namespace course {

struct Snapshot {
  std::uint64_t index = 0;  // lastIncludedIndex (0: no snapshot, the empty state)
  std::uint64_t term = 0;   // lastIncludedTerm
  std::string state;        // JSON text: the state machine's state after entry `index`
};

// Writes `s` to `path` as described above. Throws std::runtime_error with
// the path if the disk refuses.
void save_snapshot(const std::string& path, Durability durability, const Snapshot& s);

// The snapshot at `path`; an empty Snapshot (index 0) if there is none. A
// file that does not parse (only a power cut under Durability::Write can
// leave one) is no snapshot either; `note` then says so.
Snapshot load_snapshot(const std::string& path, std::string* note = nullptr);

}  // namespace course
