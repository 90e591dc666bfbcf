#include "harness/network_stats.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "history/op_stream.h"
#include "systems/maelstrom/router_counts.h"

namespace fl {
namespace {

std::uint64_t count_of(const Json& counts, const char* direction, const char* what) {
  if (!counts.is_object() || !counts.contains(direction) || !counts[direction].is_object()) return 0;
  const Json& d = counts[direction];
  // Counts are non-negative integers (read back from JSON, they may be signed ones).
  if (!d.contains(what) || !d[what].is_number_integer() || d[what].get<std::int64_t>() < 0) return 0;
  return d[what].get<std::uint64_t>();
}

// Rounded to 3 decimals: a per-op figure, not a measurement of 17 digits.
double rounded(double x) { return std::round(x * 1000) / 1000; }

Json per_op(std::uint64_t msgs, std::uint64_t bytes, std::int64_t ops) {
  Json j = {{"msgs", msgs}, {"bytes", bytes}};
  j["msgs-per-op"] = ops ? Json(rounded(static_cast<double>(msgs) / static_cast<double>(ops))) : Json();
  j["bytes-per-op"] = ops ? Json(rounded(static_cast<double>(bytes) / static_cast<double>(ops))) : Json();
  return j;
}

}  // namespace

void LatencyTally::add(std::int64_t ns) {
  ++by_us_[std::llround(static_cast<double>(ns) / 1e3)];
  ++ops_;
}

Json LatencyTally::quantiles() const {
  Json j = {{"ops", ops_}};
  if (ops_ == 0) return j;
  // Nearest rank: the smallest latency at least q of the ops do not exceed.
  auto q = [&](double f) {
    const auto rank = std::min(ops_, std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(f * static_cast<double>(ops_)))));
    std::int64_t seen = 0;
    for (const auto& [us, n] : by_us_)
      if ((seen += n) >= rank) return static_cast<double>(us) / 1e3;
    return static_cast<double>(by_us_.rbegin()->first) / 1e3;
  };
  j["p50"] = q(0.50);
  j["p95"] = q(0.95);
  j["p99"] = q(0.99);
  j["max"] = static_cast<double>(by_us_.rbegin()->first) / 1e3;
  return j;
}

Json latency_quantiles(const History& h) {
  LatencyTally t;
  for (const OpPair& p : h.pairs()) {
    if (p.complete < 0 || h.outcome(p) != OpType::Ok) continue;
    const Op& inv = h[static_cast<std::size_t>(p.invoke)];
    const Op& done = h[static_cast<std::size_t>(p.complete)];
    if (inv.time < 0 || done.time < inv.time) continue;
    t.add(done.time - inv.time);
  }
  return t.quantiles();
}

OpFigures stream_op_figures(const std::string& path) {
  OpFigures out;
  std::unordered_map<std::int64_t, std::int64_t> began;  // process → its open invocation's time
  stream_history(path, Format::Jsonl, [&](const OpRef& ref) {
    const Op& op = ref.op();
    if (op.is_nemesis()) return;
    if (op.is_invoke()) {
      ++out.ops;
      began[op.process] = op.time;
      return;
    }
    auto it = began.find(op.process);
    if (it == began.end()) return;
    if (op.type == OpType::Ok && it->second >= 0 && op.time >= it->second) out.latency.add(op.time - it->second);
    began.erase(it);
  });
  return out;
}

Json network_section(const Json& traffic, const History& h) {
  std::size_t ops = 0;
  for (const Op& op : h.ops()) ops += !op.is_nemesis() && op.is_invoke();
  return network_section(traffic, static_cast<std::int64_t>(ops), latency_quantiles(h));
}

Json network_section(const Json& traffic, std::int64_t ops, const Json& latency) {
  Json j = {{"ops", ops}, {"ops-counted", "every client op invoked: ok, fail and info alike, final reads included"}};
  if (!traffic.is_object() || !traffic.contains("nodes") || !traffic["nodes"].is_object()) {
    j["counted"] = false;
    j["latency-ms"] = latency;
    return j;
  }
  j["counted"] = true;
  Json total = Json::object();
  std::vector<std::string> incomplete;
  for (const char* d : kRouterDirections) {
    std::uint64_t msgs = 0, bytes = 0;
    for (const auto& [name, node] : traffic["nodes"].items()) {
      msgs += count_of(node, d, "msgs");
      bytes += count_of(node, d, "bytes");
    }
    total[d] = {{"msgs", msgs}, {"bytes", bytes}};
  }
  for (const auto& [name, node] : traffic["nodes"].items())
    if (!node.is_object() || node.value("complete", false) != true)
      incomplete.push_back(fmt::format("{}: {}", name, node.is_object() ? node.value("reason", "counts missing")
                                                                        : std::string("counts missing")));
  if (traffic["nodes"].empty()) incomplete.push_back("no node's router left counts");
  j["complete"] = incomplete.empty();
  if (!incomplete.empty()) {
    std::string reason = "the figures are lower bounds: ";
    for (std::size_t i = 0; i < incomplete.size(); ++i) reason += (i ? "; " : "") + incomplete[i];
    j["reason"] = reason;
  }
  const std::uint64_t cs_msgs = count_of(total, "client-to-node", "msgs") + count_of(total, "node-to-client", "msgs");
  const std::uint64_t cs_bytes = count_of(total, "client-to-node", "bytes") + count_of(total, "node-to-client", "bytes");
  const std::uint64_t ss_msgs = count_of(total, "node-to-node-sent", "msgs");
  const std::uint64_t ss_bytes = count_of(total, "node-to-node-sent", "bytes");
  j["all"] = per_op(cs_msgs + ss_msgs, cs_bytes + ss_bytes, ops);
  j["client-server"] = per_op(cs_msgs, cs_bytes, ops);
  j["server-server"] = per_op(ss_msgs, ss_bytes, ops);
  // A node's requests to Maelstrom's services and their answers: counted
  // apart, in neither figure above (nor in "all"), as Maelstrom's services
  // are no part of the system under test.
  const std::uint64_t sv_msgs = count_of(total, "node-to-service", "msgs") + count_of(total, "service-to-node", "msgs");
  const std::uint64_t sv_bytes =
      count_of(total, "node-to-service", "bytes") + count_of(total, "service-to-node", "bytes");
  j["server-service"] = per_op(sv_msgs, sv_bytes, ops);
  j["total"] = total;
  j["nodes"] = traffic["nodes"];
  j["latency-ms"] = latency;
  return j;
}

CheckResult check_gates(const NetworkGates& g, const Json& network) {
  CheckResult r;
  r.valid = Validity::Valid;
  std::vector<std::string> missed, unsure;
  Json gates = Json::object();
  const Json latency = network.is_object() ? network.value("latency-ms", Json::object()) : Json::object();
  auto gate = [&](const char* flag, double limit, const Json& figure, const std::string& what, const char* unit,
                  const std::string& no_figure, const std::string& lower_bound) {
    gates[flag] = {{"limit", limit}, {"figure", figure}};
    if (!figure.is_number()) {
      unsure.push_back(fmt::format("{} {:g}: {}", flag, limit, no_figure));
      return;
    }
    const double x = figure.get<double>();
    if (x > limit) {
      missed.push_back(fmt::format("{} was {:g}{}, over {} {:g}", what, x, unit, flag, limit));
      gates[flag]["held"] = false;
    } else if (!lower_bound.empty()) {
      unsure.push_back(fmt::format("{} {:g}: {} was at least {:g}{}, but {}", flag, limit, what, x, unit, lower_bound));
    } else {
      gates[flag]["held"] = true;
    }
  };
  if (g.max_msgs_per_op > 0) {
    const bool counted = network.is_object() && network.value("counted", false) == true;
    const Json figure = counted && network.contains("server-server") ? network["server-server"].value("msgs-per-op", Json())
                                                                     : Json();
    const std::string lower = counted && network.value("complete", false) != true ? network.value("reason", "") : "";
    gate("--max-msgs-per-op", g.max_msgs_per_op, figure, "server-to-server messages per op", "",
         counted ? "no client op was invoked" : "this system does not count its messages", lower);
  }
  const std::string no_ok = "no client op succeeded, so there is no latency to measure";
  if (g.max_median_latency_ms > 0)
    gate("--max-median-latency", g.max_median_latency_ms, latency.value("p50", Json()), "the median latency", " ms",
         no_ok, "");
  if (g.max_latency_ms > 0)
    gate("--max-latency", g.max_latency_ms, latency.value("max", Json()), "the highest latency", " ms", no_ok, "");
  r.detail["gates"] = gates;
  if (!missed.empty()) {
    r.valid = Validity::Invalid;
    r.detail["missed"] = missed;
  } else if (!unsure.empty()) {
    r.valid = Validity::Unknown;
  }
  if (!unsure.empty()) {
    std::string reason;
    for (const std::string& u : unsure) reason += (reason.empty() ? "" : "; ") + u;
    r.detail["reason"] = reason;
  }
  for (const std::string& m : missed) r.summary += "    " + m + "\n";
  if (r.valid == Validity::Unknown) r.summary += "    " + r.detail["reason"].get<std::string>() + "\n";
  if (r.valid == Validity::Valid) r.summary += "    every gate held\n";
  return r;
}

std::string network_line(const Json& n) {
  if (!n.is_object()) return "";
  std::string s;
  if (n.value("counted", false) == true && n.contains("all") && n["all"]["msgs-per-op"].is_number()) {
    s += fmt::format("  network: {:g} msgs/op (server-server {:g}, client-server {:g}), {:g} bytes/op over {} ops",
                     n["all"]["msgs-per-op"].get<double>(), n["server-server"]["msgs-per-op"].get<double>(),
                     n["client-server"]["msgs-per-op"].get<double>(), n["all"]["bytes-per-op"].get<double>(),
                     n.value("ops", 0));
    if (n.value("complete", false) != true) s += " (incomplete: see results.json)";
    s += "\n";
  }
  const Json l = n.value("latency-ms", Json::object());
  if (l.value("ops", 0) > 0)
    s += fmt::format("  latency of {} ok ops: p50 {:g} ms, p95 {:g} ms, p99 {:g} ms, max {:g} ms\n", l.value("ops", 0),
                     l["p50"].get<double>(), l["p95"].get<double>(), l["p99"].get<double>(), l["max"].get<double>());
  return s;
}

}  // namespace fl
