#include "workloads/register_ops.h"

#include <stdexcept>

namespace fl {

RegisterMix RegisterMix::from_params(const Json& params) {
  RegisterMix m;
  if (params.is_object()) {
    if (params.contains("mix")) {
      const Json& mix = params.at("mix");
      m.read = mix.value("read", 0.0);
      m.write = mix.value("write", 0.0);
      m.cas = mix.value("cas", 0.0);
    }
    m.values = params.value("values", m.values);
    if (params.contains("sessions")) {
      if (!params["sessions"].is_boolean()) throw std::invalid_argument("sessions must be true or false");
      m.sessions = params["sessions"].get<bool>();
    }
  }
  if (m.read < 0 || m.write < 0 || m.cas < 0 || m.read + m.write + m.cas <= 0)
    throw std::invalid_argument("the op mix needs non-negative weights for read, write and cas, not all zero");
  if (m.values < 1) throw std::invalid_argument("the register needs at least one value");
  if (m.sessions && m.cas > 0)
    throw std::invalid_argument(
        "sessions=true needs a mix without cas (the session and causal checkers need unique written values): "
        "add --workload-opt 'mix={\"read\":1,\"write\":1,\"cas\":0}'");
  return m;
}

std::vector<std::string> RegisterMix::checkers() const {
  std::vector<std::string> c = {"linearizable", "stats"};
  if (sessions)
    for (const char* s : {"read-your-writes", "monotonic-reads", "monotonic-writes", "writes-follow-reads", "causal"})
      c.push_back(s);
  return c;
}

OpSpec next_register_op(const RegisterMix& mix, std::mt19937_64& rng, std::atomic<std::int64_t>* fresh) {
  std::uniform_real_distribution<double> pick(0, mix.read + mix.write + mix.cas);
  std::uniform_int_distribution<int> value(0, mix.values - 1);
  double x = pick(rng);
  if (x < mix.read) return OpSpec{"read", nullptr, std::nullopt};
  if (x < mix.read + mix.write) {
    if (mix.sessions && fresh) return OpSpec{"write", fresh->fetch_add(1, std::memory_order_relaxed), std::nullopt};
    return OpSpec{"write", value(rng), std::nullopt};
  }
  int from = value(rng);
  int to = value(rng);
  return OpSpec{"cas", Json::array({from, to}), std::nullopt};
}

}  // namespace fl
