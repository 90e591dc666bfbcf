#include "nemesis/traffic.h"

#include <atomic>

#include <fmt/format.h>

#include "cluster/process.h"
#include "nemesis/nfqueue_shaper.h"
#include "cluster/parallel.h"

namespace fl {
namespace {

// -1 unknown, 0 absent, 1 present: the kernel is the same for every node.
std::atomic<int> netem_state{-1};

std::string num(double v) { return fmt::format("{:g}", v); }

Argv netem_argv(const PacketFault& f, const std::string& iface) {
  Argv a = {"tc", "qdisc", "replace", "dev", iface, "root", "netem"};
  if (f.delay_ms > 0) {
    a.insert(a.end(), {"delay", num(f.delay_ms) + "ms"});
    if (f.jitter_ms > 0) {
      a.push_back(num(f.jitter_ms) + "ms");
      if (f.correlation_percent > 0) a.push_back(num(f.correlation_percent) + "%");
      a.insert(a.end(), {"distribution", f.distribution.empty() ? "normal" : f.distribution});
    }
  }
  if (f.loss_percent > 0) a.insert(a.end(), {"loss", num(f.loss_percent) + "%"});
  if (f.duplicate_percent > 0) a.insert(a.end(), {"duplicate", num(f.duplicate_percent) + "%"});
  if (f.reorder_percent > 0) a.insert(a.end(), {"reorder", num(f.reorder_percent) + "%"});
  if (f.corrupt_percent > 0) a.insert(a.end(), {"corrupt", num(f.corrupt_percent) + "%"});
  if (!f.rate.empty()) a.insert(a.end(), {"rate", f.rate});
  return a;
}

std::string fault_words(const PacketFault& f) {
  std::vector<std::string> w;
  if (f.delay_ms > 0) w.push_back("delay");
  if (f.duplicate_percent > 0) w.push_back("duplication");
  if (f.reorder_percent > 0) w.push_back("reordering");
  if (f.corrupt_percent > 0) w.push_back("corruption");
  std::string s;
  for (size_t i = 0; i < w.size(); ++i) s += (i ? (i + 1 == w.size() ? " and " : ", ") : "") + w[i];
  return s;
}

}  // namespace

nlohmann::json PacketFault::to_json() const {
  nlohmann::json j = nlohmann::json::object();
  if (loss_percent > 0) j["loss"] = loss_percent;
  if (delay_ms > 0) j["delay_ms"] = delay_ms;
  if (jitter_ms > 0) j["jitter_ms"] = jitter_ms;
  if (!distribution.empty()) j["distribution"] = distribution;
  if (correlation_percent > 0) j["correlation"] = correlation_percent;
  if (duplicate_percent > 0) j["duplicate"] = duplicate_percent;
  if (reorder_percent > 0) j["reorder"] = reorder_percent;
  if (corrupt_percent > 0) j["corrupt"] = corrupt_percent;
  if (!rate.empty()) j["rate"] = rate;
  return j;
}

PacketFault PacketFault::from_json(const nlohmann::json& j) {
  PacketFault f;
  if (!j.is_object()) return f;
  auto get = [&](const char* k) { return j.contains(k) && j[k].is_number() ? j[k].get<double>() : 0.0; };
  f.loss_percent = get("loss");
  f.delay_ms = get("delay_ms");
  f.jitter_ms = get("jitter_ms");
  f.correlation_percent = get("correlation");
  if (j.contains("distribution") && j["distribution"].is_string()) f.distribution = j["distribution"];
  if (!f.distribution.empty() && f.distribution != "normal" && f.distribution != "pareto")
    throw ClusterError(fmt::format("a delay's distribution is normal or pareto, not \"{}\"", f.distribution));
  if (f.correlation_percent < 0 || f.correlation_percent >= 100)
    throw ClusterError(fmt::format("a delay's correlation is a percentage below 100, not {}", f.correlation_percent));
  f.duplicate_percent = get("duplicate");
  f.reorder_percent = get("reorder");
  f.corrupt_percent = get("corrupt");
  if (j.contains("rate") && j["rate"].is_string()) f.rate = j["rate"];
  for (double p : {f.loss_percent, f.duplicate_percent, f.reorder_percent, f.corrupt_percent})
    if (p < 0 || p > 100) throw ClusterError(fmt::format("a packet-fault percentage must be within 0–100, not {}", p));
  if (f.delay_ms < 0 || f.jitter_ms < 0) throw ClusterError("a delay must not be negative");
  if (f.reorder_percent > 0 && f.delay_ms <= 0) f.delay_ms = 10;  // netem reorders only delayed traffic
  return f;
}

void require_netem_if_needed(const PacketFault& fault, bool netem) {
  if (fault.needs_netem() && !netem)
    throw ClusterError(fmt::format("{} needs the kernel module sch_netem, which this kernel does not have "
                                   "(loss and rate limits still work, through iptables and tbf)",
                                   fault_words(fault)));
}

bool netem_available(Host& host, const std::string& iface_or_default) {
  int s = netem_state.load();
  if (s >= 0) return s == 1;
  std::string iface = iface_or_default.empty() ? host.interface() : iface_or_default;
  // Probing with a harmless netem on the node's interface, removed at once.
  RunResult r = host.run({"tc", "qdisc", "add", "dev", iface, "root", "netem", "delay", "0ms"});
  if (r.ok()) {
    host.run({"tc", "qdisc", "del", "dev", iface, "root"});
    netem_state = 1;
    return true;
  }
  bool unknown = r.err.find("unknown") != std::string::npos || r.err.find("No such file") != std::string::npos;
  if (unknown) netem_state = 0;
  return false;
}

bool netem_in_kernel() {
  int s = netem_state.load();
  if (s >= 0) return s == 1;
  RunResult r = run_process({"unshare", "--net", "tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "0ms"},
                            {std::chrono::seconds(10), {}, {}});
  if (r.ok()) {
    netem_state = 1;
    return true;
  }
  bool unknown = r.err.find("unknown") != std::string::npos || r.err.find("No such file") != std::string::npos;
  if (unknown) netem_state = 0;
  return !unknown;  // a probe that could not run says nothing: let the fault try
}

std::string packet_fault_unavailable(const std::string& name, const PacketFault& fault) {
  if (find_program("tc").empty())
    return fmt::format("the {} nemesis needs tc, which is not installed; install iproute2 (scripts/setup)", name);
  if (fault.needs_netem() && !netem_in_kernel()) return shaper_unavailable(name);  // fl-shaper stands in
  if (fault.loss_percent > 0 && !netem_in_kernel() && find_program("iptables").empty())
    return fmt::format("the {} nemesis needs iptables on a kernel without sch_netem; install iptables (scripts/setup)",
                       name);
  return "";
}

void apply_qdisc(const std::vector<Host*>& hosts, const PacketFault& fault, const std::string& iface) {
  if (hosts.empty() || fault.empty()) return;
  bool netem = netem_available(*hosts.front(), iface);
  require_netem_if_needed(fault, netem);
  bool use_netem = netem && (fault.needs_netem() || fault.loss_percent > 0);
  if (!use_netem && fault.rate.empty()) return;  // loss alone without netem: iptables does it
  on_each_host(hosts, [&](Host& h) {
    std::string dev = iface.empty() ? h.interface() : iface;
    if (use_netem) h.run_checked(netem_argv(fault, dev));
    else
      h.run_checked({"tc", "qdisc", "replace", "dev", dev, "root", "tbf", "rate", fault.rate, "burst", "32kbit", "latency",
                     "400ms"});
  });
}

void clear_qdisc(const std::vector<Host*>& hosts, const std::string& iface) {
  on_each_host(hosts, [&](Host& h) { h.run({"tc", "qdisc", "del", "dev", iface.empty() ? h.interface() : iface, "root"}); });
}

}  // namespace fl
