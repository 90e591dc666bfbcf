#include "shaper/options.h"

#include <cmath>
#include <cstdlib>

namespace fl::shaper {
namespace {

double number(const std::string& flag, const std::string& text) {
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(v)) throw OptionError(flag + " needs a number, not \"" + text + "\"");
  return v;
}

std::uint64_t whole(const std::string& flag, const std::string& text, std::uint64_t max) {
  char* end = nullptr;
  unsigned long long v = std::strtoull(text.c_str(), &end, 0);
  if (text.empty() || text[0] == '-' || *end != '\0' || v > max)
    throw OptionError(flag + " needs a whole number up to " + std::to_string(max) + ", not \"" + text + "\"");
  return v;
}

double percent(const std::string& flag, const std::string& text) {
  double v = number(flag, text);
  if (v < 0 || v > 100) throw OptionError(flag + " is a percentage within 0-100, not " + text);
  return v / 100.0;
}

}  // namespace

const char* const kUsage =
    "usage: fl-shaper --queue N [--delay-ms MS] [--jitter-ms MS] [--distribution normal|pareto]\n"
    "                 [--correlation PCT] [--reorder PCT] [--duplicate PCT] [--corrupt PCT]\n"
    "                 [--seed N] [--mark N] [--queue-len N] [--stats FILE]\n";

ShaperOptions parse_options(const std::vector<std::string>& args) {
  ShaperOptions o;
  bool have_queue = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& flag = args[i];
    if (i + 1 >= args.size()) throw OptionError(flag.rfind("--", 0) == 0 ? flag + " needs a value" : "unexpected \"" + flag + "\"");
    const std::string& v = args[++i];
    if (flag == "--queue") {
      o.queue = static_cast<std::uint16_t>(whole(flag, v, 65535));
      have_queue = true;
    } else if (flag == "--delay-ms") {
      o.shape.delay_ms = number(flag, v);
    } else if (flag == "--jitter-ms") {
      o.shape.jitter_ms = number(flag, v);
    } else if (flag == "--distribution") {
      auto d = distribution_named(v);
      if (!d) throw OptionError("--distribution is normal or pareto, not \"" + v + "\"");
      o.shape.distribution = *d;
    } else if (flag == "--correlation") {
      o.shape.correlation = percent(flag, v);
      if (o.shape.correlation >= 1) throw OptionError("--correlation must be below 100");
    } else if (flag == "--reorder") {
      o.shape.reorder = percent(flag, v);
    } else if (flag == "--duplicate") {
      o.shape.duplicate = percent(flag, v);
    } else if (flag == "--corrupt") {
      o.shape.corrupt = percent(flag, v);
    } else if (flag == "--seed") {
      o.shape.seed = whole(flag, v, ~0ULL);
    } else if (flag == "--mark") {
      o.mark = static_cast<std::uint32_t>(whole(flag, v, 0xffffffffULL));
      if (o.mark == 0) throw OptionError("--mark must not be 0: the copies must differ from unmarked packets");
    } else if (flag == "--queue-len") {
      o.queue_len = static_cast<std::uint32_t>(whole(flag, v, 1u << 20));
      if (o.queue_len == 0) throw OptionError("--queue-len must be at least 1");
    } else if (flag == "--stats") {
      o.stats_path = v;
    } else {
      throw OptionError("unknown option \"" + flag + "\"");
    }
  }
  if (!have_queue) throw OptionError("--queue is required: the NFQUEUE queue number the rules send packets to");
  if (o.shape.delay_ms < 0 || o.shape.jitter_ms < 0) throw OptionError("a delay or jitter must not be negative");
  // netem reorders only delayed traffic: reorder alone gets its default delay.
  if (o.shape.reorder > 0 && o.shape.delay_ms <= 0) o.shape.delay_ms = 10;
  return o;
}

}  // namespace fl::shaper
