// fl-shaper's command line: which NFQUEUE queue to serve and the faults to
// apply, in netem's units (milliseconds, percentages). parse_options() is
// pure and throws OptionError with one sentence for anything it cannot use,
// so a bad command line never starts a shaper that does something else.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "shaper/schedule.h"

namespace fl::shaper {

class OptionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The firewall mark fl-shaper puts on the copies it sends, so the rule that
// queues a node's packets lets the copies pass (they were shaped already).
constexpr std::uint32_t kCopyMark = 0x464c;

struct ShaperOptions {
  std::uint16_t queue = 0;
  ShapeParams shape;
  std::uint32_t mark = kCopyMark;
  std::uint32_t queue_len = 16384;   // packets the kernel may hold for us before it drops
  std::string stats_path;            // "" = counters on stderr only
};

// `args` excludes the program name. Usage:
//   --queue N [--delay-ms MS] [--jitter-ms MS] [--distribution normal|pareto]
//   [--correlation PCT] [--reorder PCT] [--duplicate PCT] [--corrupt PCT]
//   [--seed N] [--mark N] [--queue-len N] [--stats FILE]
ShaperOptions parse_options(const std::vector<std::string>& args);
extern const char* const kUsage;

}  // namespace fl::shaper
