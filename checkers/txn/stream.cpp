#include "checkers/txn/stream.h"

namespace fl::txn {

StreamedTxns stream_txns(const std::string& path, ReadShape shape) {
  StreamedTxns s{Txns(path, shape)};
  bool other_f = false;
  StreamCounts counts = stream_history(path, [&](const OpRef& op) {
    if (op.pair() >= 0 && op.op().is_invoke() && op.op().f != "txn") other_f = true;
    s.txns.add_op(op);
  });
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

}  // namespace fl::txn
