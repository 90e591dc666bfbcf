#include "seq_kv.h"

#include <algorithm>

namespace mservice {

void SeqKv::settle(std::int64_t now_ms) {
  while (!recent_.empty() && recent_.front().second <= now_ms - lag_ms_) {
    settled_ = recent_.front().first;
    recent_.pop_front();
  }
}

void SeqKv::record(const std::string& key, std::int64_t now_ms) {
  ++seq_;
  recent_.emplace_back(seq_, now_ms);
  std::vector<Version>& v = versions_[key];
  v.push_back({seq_, primary_[key]});
  // A read sees a state at or after the replica's, so of the versions at or
  // before it only the last can still be read.
  auto first_needed = v.begin();
  while (first_needed + 1 != v.end() && (first_needed + 1)->seq <= settled_) ++first_needed;
  v.erase(v.begin(), first_needed);
}

Json SeqKv::handle(const std::string& client, const Json& body, std::int64_t now_ms) {
  KvRequest r = parse_kv(body);
  if (!r.error.is_null()) return r.error;
  settle(now_ms);
  std::uint64_t& seen = session_[client];
  if (r.kind == "read") {
    const std::uint64_t at = std::max(seen, settled_);
    seen = at;
    auto it = versions_.find(r.key);
    if (it != versions_.end())
      for (auto v = it->second.rbegin(); v != it->second.rend(); ++v)
        if (v->seq <= at) return {{"type", "read_ok"}, {"value", v->value}};
    return error_body(kKeyDoesNotExist, "key " + r.key + " does not exist");
  }
  bool changed = false;
  Json answer = apply_kv(primary_, r, &changed);
  if (changed) record(r.key, now_ms);
  seen = seq_;
  return answer;
}

}  // namespace mservice
