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
  }
  if (m.read < 0 || m.write < 0 || m.cas < 0 || m.read + m.write + m.cas <= 0)
    throw std::invalid_argument("the op mix needs non-negative weights for read, write and cas, not all zero");
  if (m.values < 1) throw std::invalid_argument("the register needs at least one value");
  return m;
}

OpSpec next_register_op(const RegisterMix& mix, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> pick(0, mix.read + mix.write + mix.cas);
  std::uniform_int_distribution<int> value(0, mix.values - 1);
  double x = pick(rng);
  if (x < mix.read) return OpSpec{"read", nullptr, std::nullopt};
  if (x < mix.read + mix.write) return OpSpec{"write", value(rng), std::nullopt};
  int from = value(rng);
  int to = value(rng);
  return OpSpec{"cas", Json::array({from, to}), std::nullopt};
}

}  // namespace fl
