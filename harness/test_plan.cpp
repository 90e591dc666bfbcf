#include "harness/test_plan.h"

#include <cmath>
#include <filesystem>
#include <random>
#include <sstream>

#include <fmt/format.h>

#include "checkers/availability.h"
#include "checkers/registry.h"
#include "harness/commands.h"
#include "nemesis/nemesis.h"

namespace fl {
namespace {

// The numbers and combinations a run cannot start with.
void check_numbers(const TestOptions& o) {
  if (o.system.empty() || o.workload.empty()) throw UsageError("--system and --workload are required");
  if (o.concurrency < 1) throw UsageError("--concurrency must be at least 1");
  if (o.nodes < 1) throw UsageError("--nodes must be at least 1");
  // CLI11 reads "nan" and "inf" as numbers; none of them is a time or a rate.
  const std::pair<double, const char*> numbers[] = {
      {o.time_limit_s, "--time-limit"}, {o.timeout_s, "--timeout"},
      {o.nemesis_interval_s, "--nemesis-interval"}, {o.check_time_limit_s, "--check-time-limit"},
      {o.quiet_s, "--quiet-period"}, {o.rate, "--rate"}, {o.drain_s, "the drain time"},
      {o.gates.max_msgs_per_op, "--max-msgs-per-op"}, {o.gates.max_median_latency_ms, "--max-median-latency"},
      {o.gates.max_latency_ms, "--max-latency"}};
  for (const auto& [value, name] : numbers)
    if (!std::isfinite(value)) throw UsageError(fmt::format("{} must be a finite number", name));
  const std::pair<double, const char*> gates[] = {{o.gates.max_msgs_per_op, "--max-msgs-per-op"},
                                                  {o.gates.max_median_latency_ms, "--max-median-latency"},
                                                  {o.gates.max_latency_ms, "--max-latency"}};
  for (const auto& [value, name] : gates)
    if (value < 0) throw UsageError(fmt::format("{} must be positive (or 0 for no gate)", name));
  if (!o.availability.empty()) {
    try {
      parse_availability(o.availability);
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
  }
  if (o.time_limit_s <= 0 && o.ops_limit <= 0) throw UsageError("a test needs a --time-limit or an --ops-limit");
  if (o.timeout_s <= 0) throw UsageError("--timeout must be positive");
  if (o.nemesis_interval_s <= 0) throw UsageError("--nemesis-interval must be positive");
  if (o.check_time_limit_s <= 0) throw UsageError("--check-time-limit must be positive");
  if (!o.schedule.empty() && !o.nemesis.empty())
    throw UsageError("give either --nemesis (random faults) or --schedule (phases), not both");
}

// A fault the registry holds, with options it takes; made now and dropped.
void check_fault(const std::string& name, const nlohmann::json& options) {
  try {
    if (!make_nemesis(name, options)) throw UsageError(unknown_name("nemesis", name, list_nemeses()));
  } catch (const ClusterError& e) {
    throw UsageError(e.what());
  }
}

}  // namespace

std::pair<std::string, nlohmann::json> parse_knob(const std::string& word, const std::string& what) {
  const auto eq = word.find('=');
  if (word.empty() || eq == 0)
    throw UsageError(fmt::format("{} takes KEY=VALUE, not \"{}\"", what, word));
  if (eq == std::string::npos) return {word, true};
  std::string value = word.substr(eq + 1);
  nlohmann::json v = nlohmann::json::parse(value, nullptr, false);
  return {word.substr(0, eq), v.is_discarded() ? nlohmann::json(value) : v};
}

NemesisPhase parse_phase(const std::string& word) {
  std::istringstream in(word);
  std::string duration, fault, kv;
  in >> duration >> fault;
  NemesisPhase p;
  try {
    size_t used = 0;
    p.seconds = std::stod(duration, &used);
    std::string unit = duration.substr(used);
    if (unit == "ms") p.seconds /= 1000;
    else if (unit == "m" || unit == "min") p.seconds *= 60;
    else if (!unit.empty() && unit != "s") p.seconds = -1;
  } catch (const std::exception&) {
    p.seconds = -1;
  }
  // Finite and at most a year: stod also reads "nan" and "inf", and the
  // schedule turns a phase's length into integer nanoseconds.
  constexpr double kMaxPhaseSeconds = 365.0 * 24 * 3600;
  if (!(p.seconds > 0 && p.seconds <= kMaxPhaseSeconds) || fault.empty())
    throw UsageError(fmt::format("the nemesis phase \"{}\" must read \"<seconds> <fault|quiet> [key=value …]\", "
                                 "e.g. \"20s partition-halves\"",
                                 word));
  p.fault = fault == "quiet" ? "" : fault;
  while (in >> kv) {
    if (kv.find('=') == std::string::npos || kv[0] == '=')
      throw UsageError(fmt::format("in the nemesis phase \"{}\", \"{}\" is not key=value", word, kv));
    auto [key, value] = parse_knob(kv, "a nemesis phase");
    p.options[key] = value;
  }
  if (p.fault.empty() && !p.options.empty())
    throw UsageError(fmt::format("the quiet phase \"{}\" takes no options", word));
  return p;
}

TestPlan plan_test(TestOptions o) {
  check_numbers(o);
  TestPlan plan;
  for (const std::string& f : o.nemesis) {
    check_fault(f, nlohmann::json::object());
    plan.faults.push_back(f);
  }
  for (const std::string& word : o.schedule) {
    NemesisPhase p = parse_phase(word);
    if (!p.fault.empty()) {
      check_fault(p.fault, p.options);  // unknown names and bad options, now
      plan.faults.push_back(p.fault);
    }
    plan.phases.push_back(std::move(p));
  }
  if (!o.ssh_hosts.empty()) o.nodes = static_cast<int>(o.ssh_hosts.size());
  // Paths as test.json records them: absolute, so a repeat works from anywhere.
  for (std::string* p : {&o.ssh.key, &o.ssh.known_hosts})
    if (!p->empty() && p->rfind("~/", 0) != 0) *p = std::filesystem::absolute(*p).string();
  if (o.test_name.empty()) o.test_name = default_test_name(o);
  if (o.seed == 0) o.seed = std::random_device{}() | 1;
  plan.options = std::move(o);
  return plan;
}

}  // namespace fl
