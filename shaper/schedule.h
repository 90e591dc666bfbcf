// ShaperSchedule: the pure core of fl-shaper. Given each packet's arrival
// time (and size), it decides when the packet is released, whether a copy is
// delivered too (and when), and which bit, if any, is flipped — netem's
// delay / jitter / distribution / correlation, reorder, duplicate and corrupt,
// drawn from one seeded generator, so a seed gives the same decisions every
// time. No I/O, no clock: fl-shaper's netlink loop (nfqueue_loop.h) feeds it.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>

namespace fl::shaper {

enum class Distribution { kNormal, kPareto };

struct ShapeParams {
  double delay_ms = 0;        // mean added delay
  double jitter_ms = 0;       // its standard deviation
  Distribution distribution = Distribution::kNormal;
  double correlation = 0;     // [0, 1): how much each delay draw follows the previous one
  double reorder = 0;         // fraction sent at once (no delay), so later packets overtake the rest
  double duplicate = 0;       // fraction delivered twice (the copy with a delay of its own)
  double corrupt = 0;         // fraction with one bit flipped past the IP header
  std::uint64_t seed = 1;
};

// One delivery of a packet: when, and the bit to flip (counted from the
// first byte after the IP header), if any.
struct Delivery {
  std::int64_t at_us = 0;
  std::optional<std::uint32_t> flip_bit;
};

struct Decision {
  Delivery original;
  std::optional<Delivery> copy;
};

class Schedule {
 public:
  explicit Schedule(const ShapeParams& p);
  // A packet that arrived at `arrival_us` whose transport part (past the IP
  // header) is `payload_bytes` long; a packet with none is never corrupted.
  Decision on_packet(std::int64_t arrival_us, std::uint32_t payload_bytes);
  // The next added delay in microseconds (≥ 0): mean + jitter · x, x of the
  // distribution standardised to mean 0, variance 1, correlated with the
  // previous draw. Exposed for the tests of the moments.
  double next_delay_us();

 private:
  Delivery deliver(std::int64_t arrival_us, std::uint32_t payload_bytes);
  bool chance(double fraction);

  ShapeParams p_;
  std::mt19937_64 rng_;
  std::normal_distribution<double> normal_{0.0, 1.0};
  std::uniform_real_distribution<double> unit_{0.0, 1.0};
  double last_z_ = 0;
  bool have_last_ = false;
};

// "normal" / "pareto"; nullopt for anything else.
std::optional<Distribution> distribution_named(const std::string& name);
const char* distribution_name(Distribution d);

}  // namespace fl::shaper
