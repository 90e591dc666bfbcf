#include "checkers/txn/stream.h"

namespace fl::txn {

namespace {
struct NotOnlyTxns {};
}  // namespace

StreamedTxns stream_txns(const std::string& path, Format format, ReadShape shape, bool only_txns) {
  StreamedTxns s{Txns(path, shape), shape};
  bool other_f = false;
  StreamCounts counts;
  try {
    counts = stream_history(path, format, [&](const OpRef& op) {
      if (op.pair() >= 0 && op.op().is_invoke() && op.op().f != "txn") {
        other_f = true;
        if (only_txns) throw NotOnlyTxns{};
      }
      s.txns.add_op(op);
      if (only_txns && s.txns.bad()) throw NotOnlyTxns{};
    });
  } catch (const NotOnlyTxns&) {
    return s;
  }
  s.txns.finish(counts.events);
  s.events = counts.events;
  s.operations = counts.operations;
  s.all_txn = !other_f && counts.operations > 0;
  if (!s.txns.bad())
    for (const Txn& t : s.txns.all())
      for (const Mop* m = s.txns.mops_begin(t); m != s.txns.mops_end(t) && !s.appends; ++m)
        s.appends = m->kind == MopKind::Append;
  return s;
}

std::optional<StreamedTxns> stream_default_txns(const std::string& path, Format format) {
  StreamedTxns s = stream_txns(path, format, ReadShape::List, true);
  if (!s.all_txn && !s.txns.bad()) return std::nullopt;  // not all transactions (or none)
  if (!s.txns.bad() && s.appends) return s;
  // No append, or a read the List shape refuses (rw-register reads a value):
  // the Value shape reads both; what it finds decides.
  s = stream_txns(path, format, ReadShape::Value, true);
  if (!s.all_txn || s.txns.bad() || s.appends) return std::nullopt;
  return s;
}

}  // namespace fl::txn
