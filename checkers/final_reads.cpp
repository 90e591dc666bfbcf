#include "checkers/final_reads.h"

namespace fl {

std::map<std::string, std::int64_t> final_reads(const History& h, const std::string& write_f,
                                                const std::string& read_f) {
  std::int64_t settled = -1;  // history position after which reads count as final
  for (std::size_t pos = 0; pos < h.size(); ++pos)
    if (h[pos].is_nemesis() || h[pos].f == write_f) settled = static_cast<std::int64_t>(pos);
  std::map<std::string, std::int64_t> out;
  const auto& pairs = h.pairs();
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const OpPair& p = pairs[i];
    if (p.invoke <= settled || h[p.invoke].f != read_f || h.outcome(p) != OpType::Ok) continue;
    const std::string& node = h[p.complete].node.empty() ? h[p.invoke].node : h[p.complete].node;
    auto it = out.find(node);
    if (it == out.end() || pairs[it->second].invoke < p.invoke) out[node] = static_cast<std::int64_t>(i);
  }
  return out;
}

}  // namespace fl
