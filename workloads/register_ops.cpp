#include "workloads/register_ops.h"

#include <stdexcept>

namespace fl {

RegisterMix RegisterMix::from_params(const Json& params, RegisterValues fallback) {
  RegisterMix m;
  m.kind = fallback;
  if (params.is_object()) {
    if (params.contains("mix")) {
      const Json& mix = params.at("mix");
      if (!mix.is_object()) throw std::invalid_argument("mix must be an object {\"read\": r, \"write\": w, \"cas\": c}");
      m.read = mix.value("read", 0.0);
      m.write = mix.value("write", 0.0);
      m.cas = mix.value("cas", 0.0);
    }
    if (params.contains("values")) {
      const Json& v = params.at("values");
      if (v == "unique") {
        m.kind = RegisterValues::Unique;
      } else if (v == "small") {
        m.kind = RegisterValues::Small;
      } else if (v.is_number_integer()) {
        m.kind = RegisterValues::Small;
        m.values = v.get<int>();
      } else {
        throw std::invalid_argument("values must be unique, small or a number of small values, not " + v.dump());
      }
    }
    if (params.contains("sessions")) {
      if (!params["sessions"].is_boolean()) throw std::invalid_argument("sessions must be true or false");
      m.sessions = params["sessions"].get<bool>();
      if (m.sessions && !params.contains("values")) m.kind = RegisterValues::Unique;
    }
  }
  if (m.read < 0 || m.write < 0 || m.cas < 0 || m.read + m.write + m.cas <= 0)
    throw std::invalid_argument("the op mix needs non-negative weights for read, write and cas, not all zero");
  if (m.values < 1) throw std::invalid_argument("the register needs at least one value");
  if (m.sessions && m.cas > 0)
    throw std::invalid_argument(
        "sessions=true needs a mix without cas (the session and causal checkers need unique written values): "
        "add --workload-opt 'mix={\"read\":1,\"write\":1,\"cas\":0}'");
  if (m.sessions && m.kind != RegisterValues::Unique)
    throw std::invalid_argument("sessions=true needs values=unique (the session and causal checkers need unique written values)");
  return m;
}

std::vector<std::string> RegisterMix::checkers() const {
  std::vector<std::string> c = {"linearizable", "stats"};
  if (sessions)
    for (const char* s : {"read-your-writes", "monotonic-reads", "monotonic-writes", "writes-follow-reads", "causal"})
      c.push_back(s);
  return c;
}

std::int64_t RegisterOps::seen(const std::optional<Json>& key) {
  if (!key) return seen_.load(std::memory_order_relaxed);
  std::lock_guard<std::mutex> lock(keyed_mu_);
  auto it = keyed_seen_.find(key->dump());
  return it == keyed_seen_.end() ? -1 : it->second;
}

OpSpec RegisterOps::next(std::mt19937_64& rng, const std::optional<Json>& key) {
  std::uniform_real_distribution<double> pick(0, mix_.read + mix_.write + mix_.cas);
  double x = pick(rng);
  if (x < mix_.read) return OpSpec{"read", nullptr, std::nullopt};
  if (mix_.kind == RegisterValues::Unique) {
    const std::int64_t v = fresh_.fetch_add(1, std::memory_order_relaxed);
    if (x < mix_.read + mix_.write) return OpSpec{"write", v, std::nullopt};
    const std::int64_t old = seen(key);
    return OpSpec{"cas", Json::array({old < 0 ? Json() : Json(old), v}), std::nullopt};
  }
  std::uniform_int_distribution<int> value(0, mix_.values - 1);
  if (x < mix_.read + mix_.write) return OpSpec{"write", value(rng), std::nullopt};
  int from = value(rng);
  int to = value(rng);
  return OpSpec{"cas", Json::array({from, to}), std::nullopt};
}

void RegisterOps::completed(const OpSpec& op, const Completion& c) {
  if (mix_.kind != RegisterValues::Unique || c.type != OpType::Ok) return;
  const Json* v = nullptr;
  if (op.f == "read") v = &c.value;
  else if (op.f == "write") v = &op.value;
  else if (op.f == "cas" && op.value.is_array() && op.value.size() == 2) v = &op.value[1];
  if (!v || !v->is_number_integer()) return;
  if (!op.key) {
    seen_.store(v->get<std::int64_t>(), std::memory_order_relaxed);
    return;
  }
  std::lock_guard<std::mutex> lock(keyed_mu_);
  if (keyed_seen_.size() > 4096) keyed_seen_.clear();  // keys rotate: forget the old ones
  keyed_seen_[op.key->dump()] = v->get<std::int64_t>();
}

}  // namespace fl
