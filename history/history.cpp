#include "history/history.h"

#include "history/pairing.h"

namespace fl {

History::History(std::vector<Op> ops, std::string source)
    : ops_(std::move(ops)), source_(std::move(source)) {
  partner_.assign(ops_.size(), -1);
  pairs_.reserve(ops_.size() / 2 + 1);  // about one pair per two ops; more only from unfinished ones
  Pairing pairing(source_);
  for (std::size_t i = 0; i < ops_.size(); ++i) {
    Op& op = ops_[i];
    if (op.index < 0) op.index = static_cast<std::int64_t>(i);
    Pairing::Match m = pairing.add(op, static_cast<std::int64_t>(i));
    if (m.pair < 0) continue;
    if (op.is_invoke()) {
      pairs_.push_back(OpPair{static_cast<std::int64_t>(i), -1});
      continue;
    }
    pairs_[m.pair].complete = static_cast<std::int64_t>(i);
    partner_[i] = m.invoke;
    partner_[m.invoke] = static_cast<std::int64_t>(i);
  }
}

}  // namespace fl
