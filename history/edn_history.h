// Jepsen / Knossos / Porcupine-kv histories in EDN: either one collection
// (vector or list) of op maps, or op maps one after another. Op maps are read
// one at a time (the file's EDN tree is never built whole). Keys as in
// DESIGN.md (:process, :type, :f, :value, :key, :index, :time, :node,
// :error); a :value tagged #jepsen.independent.Tuple {:key k :value v} (or
// [k v]) becomes key k and value v. A plain vector stays a value: it is
// ambiguous with a cas [old new]. Ops carry the line where their map opens.
#pragma once

#include <functional>
#include <istream>
#include <string>

#include "history/history.h"

namespace fl {

History read_edn_history(std::istream& in, const std::string& source);
// The same ops, handed to `each` one at a time in file order as they are
// read (not paired: see op_stream.h); the same errors.
void read_edn_ops(std::istream& in, const std::string& source, const std::function<void(Op&&)>& each);

}  // namespace fl
