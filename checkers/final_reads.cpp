#include "checkers/final_reads.h"

#include "checkers/online.h"

namespace fl {

void FinalReads::feed(const OpRef& ref) {
  const Op& op = ref.op();
  if (op.is_nemesis() || op.f == write_f_) {
    // Nothing begun before this can be final any more.
    settled_ = ref.position();
    open_.clear();
    finals_.clear();
    return;
  }
  if (ref.pair() < 0) return;
  if (op.is_invoke()) {
    if (op.f == read_f_) open_[ref.pair()] = Open{ref.position(), op.node};
    return;
  }
  auto it = open_.find(ref.pair());
  if (it == open_.end()) return;  // not a read, or begun before the last write or fault
  if (op.type == OpType::Ok) {
    const std::string& node = op.node.empty() ? it->second.node : op.node;
    auto f = finals_.find(node);
    if (f == finals_.end() || f->second.invoke < it->second.invoke)
      finals_[node] = Read{ref.pair(), it->second.invoke, op.index, ref.value()};
  }
  open_.erase(it);
}

std::map<std::string, std::int64_t> final_reads(const History& h, const std::string& write_f,
                                                const std::string& read_f) {
  FinalReads finals(write_f, read_f);
  replay(h, [&](const OpRef& op) { finals.feed(op); });
  std::map<std::string, std::int64_t> out;
  for (const auto& [node, r] : finals.reads()) out[node] = r.pair;
  return out;
}

}  // namespace fl
