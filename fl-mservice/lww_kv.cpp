#include "lww_kv.h"

namespace mservice {

LwwKv::LwwKv(int replicas, std::int64_t gossip_ms, std::int64_t skew_ms, std::uint64_t seed)
    : replicas_(static_cast<std::size_t>(replicas < 1 ? 1 : replicas)), gossip_ms_(gossip_ms), rng_(seed) {
  std::uniform_int_distribution<std::int64_t> skew(-skew_ms, skew_ms);
  for (Replica& r : replicas_) r.skew_ms = skew_ms > 0 ? skew(rng_) : 0;
}

Json LwwKv::handle(const Json& body, std::int64_t now_ms) {
  KvRequest r = parse_kv(body);
  if (!r.error.is_null()) return r.error;
  const int i = static_cast<int>(std::uniform_int_distribution<std::size_t>(0, replicas_.size() - 1)(rng_));
  Replica& rep = replicas_[static_cast<std::size_t>(i)];
  Map view;
  auto it = rep.copy.find(r.key);
  if (it != rep.copy.end()) view[r.key] = it->second.value;
  bool changed = false;
  Json answer = apply_kv(view, r, &changed);
  if (changed) rep.copy[r.key] = Stamped{view[r.key], now_ms + rep.skew_ms, i};
  return answer;
}

void LwwKv::tick(std::int64_t now_ms) {
  if (now_ms < next_gossip_) return;
  next_gossip_ = now_ms + gossip_ms_;
  if (replicas_.size() < 2) return;
  // Round the ring: after `replicas - 1` quiet rounds every copy has every
  // key's newest value. Each sends what it held before this round.
  std::vector<Replica> before = replicas_;
  for (std::size_t from = 0; from < replicas_.size(); ++from) {
    const std::size_t to = (from + 1) % replicas_.size();
    for (const auto& [key, s] : before[from].copy) {
      auto [it, fresh] = replicas_[to].copy.emplace(key, s);
      if (!fresh && newer(s, it->second)) it->second = s;
    }
  }
}

}  // namespace mservice
