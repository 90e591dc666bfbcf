// Reading a history of transactions (JSON Lines, EDN or elle-cli's JSON)
// straight into Txns, op by op
// (history/op_stream.h), so that the History — every op as JSON, about
// 2.6 KB a transaction — is never held: what is kept is the Txns (about
// 0.15 KB a transaction; the whole check peaks near 0.3 KB) and, for the
// transactions in flight, their micro-ops as text. Parse and pairing errors throw BadInput as read_history would; a
// malformed micro-op stays in the Txns (Txns::throw_if_bad), as with a
// History.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "checkers/txn/txns.h"

namespace fl::txn {

struct StreamedTxns {
  Txns txns;
  ReadShape shape = ReadShape::List;  // how the txns were read
  std::int64_t events = 0, operations = 0;  // History::size(), History::pairs().size()
  // What choosing a checker by the history takes (harness's default for a
  // history of transactions): every client op is an f "txn" (and there is
  // one), and some transaction appends.
  bool all_txn = false, appends = false;
};

// `only_txns`: stop reading at the first client op that is not an f "txn"
// one, or once a micro-op is malformed (all_txn is then false and the rest
// is neither read nor checked).
StreamedTxns stream_txns(const std::string& path, Format format, ReadShape shape, bool only_txns = false);

// With no checker named: the txns in the shape of the checker a History of
// them gets by default (harness's default_checker_for) — List when some
// transaction appends, else Value. nullopt when that default is no txn
// checker (a client op that is not an f "txn" one, or none at all) or a
// micro-op is malformed: reading the history whole then decides, and words
// the error.
std::optional<StreamedTxns> stream_default_txns(const std::string& path, Format format);

}  // namespace fl::txn
