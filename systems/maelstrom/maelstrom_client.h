// MaelstromClient: one logical process talking to one Maelstrom node, for
// one of Maelstrom's workloads, each op one request:
//   echo       echo v              → {"type":"echo","echo":v}; ok with the echo
//   broadcast  add v / read        → broadcast {"message":v} / read → messages
//   g-counter, pn-counter
//              add n / read        → add {"delta":n} / read → value
//   g-set      add v / read        → add {"element":v} / read → value
//   unique-ids generate            → generate; ok with the id
//   lin-kv     read / write / cas  → read / write / cas {"key","value","from","to"};
//              a read of a key that does not exist (code 20) reads null
//   txn-rw-register, txn-list-append
//              txn [[f, k, v], …]   → txn {"txn": …} → txn_ok {"txn": …}, the
//              request's micro-ops ("r", "w", "append": Elle's own) with the
//              reads filled in; anything else in txn_ok is info. A txn that
//              fails or may have happened keeps its micro-ops, reads unknown.
//   kafka      send {key, msg} → send_ok, ok with its offset;
//              poll {offsets} → poll_ok, ok with its msgs {key: [[offset, msg], …]};
//              commit_offsets {offsets} → commit_offsets_ok;
//              list_committed_offsets {keys} → list_committed_offsets_ok,
//              ok with its offsets; an answer of the wrong shape is info.
// An error answer is fail or info as maelstrom_errors.h says; no answer
// within the timeout is info. Not thread-safe: one per process.
#pragma once

#include <memory>
#include <string>

#include "systems/maelstrom/maelstrom_conn.h"
#include "workloads/workload.h"

namespace fl {

class MaelstromClient : public Client {
 public:
  MaelstromClient(std::string workload, std::unique_ptr<MaelstromConn> conn, double timeout_s)
      : workload_(std::move(workload)), conn_(std::move(conn)), timeout_s_(timeout_s) {}
  Completion invoke(const OpSpec& op) override;

  // The request body for an op, or null when the workload has no such op.
  static Json request(const std::string& workload, const OpSpec& op);
  // What an answer body means for the op.
  static Completion answer(const std::string& workload, const OpSpec& op, const Json& body);

 private:
  std::string workload_;
  std::unique_ptr<MaelstromConn> conn_;
  double timeout_s_;
};

}  // namespace fl
