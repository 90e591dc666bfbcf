#include "shaper/schedule.h"

#include <algorithm>
#include <cmath>

namespace fl::shaper {

Schedule::Schedule(const ShapeParams& p) : p_(p), rng_(p.seed) {}

bool Schedule::chance(double fraction) { return fraction > 0 && unit_(rng_) < fraction; }

double Schedule::next_delay_us() {
  if (p_.jitter_ms <= 0) return std::max(0.0, p_.delay_ms * 1000.0);
  // Correlation as an AR(1) on a standard normal z: each draw keeps
  // `correlation` of the previous one and the marginal stays N(0, 1). (netem
  // mixes uniform draws instead, which narrows the distribution as the
  // correlation grows; this keeps the asked mean and jitter at any.)
  double fresh = normal_(rng_);
  double rho = p_.correlation;
  double z = have_last_ ? rho * last_z_ + std::sqrt(1.0 - rho * rho) * fresh : fresh;
  last_z_ = z;
  have_last_ = true;
  double x = z;
  if (p_.distribution == Distribution::kPareto) {
    // Pareto with shape 3 (netem's table), reached from z through the normal
    // CDF so the correlation carries over; standardised from its mean 1.5
    // and variance 3/4 to mean 0, variance 1: a long tail of late packets.
    double tail = std::max(0.5 * std::erfc(z / std::sqrt(2.0)), 1e-12);  // 1 − Φ(z), in (0, 1]
    x = (std::pow(tail, -1.0 / 3.0) - 1.5) / std::sqrt(0.75);
  }
  return std::max(0.0, (p_.delay_ms + p_.jitter_ms * x) * 1000.0);
}

Delivery Schedule::deliver(std::int64_t arrival_us, std::uint32_t payload_bytes) {
  Delivery d;
  // netem's reorder: a packet picked goes at once, the others wait their delay.
  bool at_once = chance(p_.reorder);
  d.at_us = arrival_us + (at_once ? 0 : static_cast<std::int64_t>(std::llround(next_delay_us())));
  if (payload_bytes > 0 && chance(p_.corrupt))
    d.flip_bit = static_cast<std::uint32_t>(rng_() % (static_cast<std::uint64_t>(payload_bytes) * 8));
  return d;
}

Decision Schedule::on_packet(std::int64_t arrival_us, std::uint32_t payload_bytes) {
  Decision dec;
  dec.original = deliver(arrival_us, payload_bytes);
  if (chance(p_.duplicate)) dec.copy = deliver(arrival_us, payload_bytes);
  return dec;
}

std::optional<Distribution> distribution_named(const std::string& name) {
  if (name == "normal") return Distribution::kNormal;
  if (name == "pareto") return Distribution::kPareto;
  return std::nullopt;
}

const char* distribution_name(Distribution d) { return d == Distribution::kPareto ? "pareto" : "normal"; }

}  // namespace fl::shaper
