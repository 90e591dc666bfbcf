#include "nemesis/nfqueue_shaper.h"

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <thread>

#include <unistd.h>

#include <fmt/format.h>

#include "cluster/process.h"
#include "nemesis/firewall.h"
#include "cluster/parallel.h"

namespace fl {
namespace {

std::string stats_path(const Host& h) { return fmt::format("/run/faultline/fl-shaper-{}.json", h.name()); }
std::string log_path(const Host& h) { return fmt::format("/run/faultline/fl-shaper-{}.log", h.name()); }

std::string arg(double v) { return fmt::format("{:g}", v); }

Argv shaper_argv(const std::string& binary, const PacketFault& f, std::uint64_t seed, const std::string& stats) {
  Argv a = {binary, "--queue", std::to_string(kShaperQueue), "--mark", std::to_string(kShaperMark), "--seed",
            std::to_string(seed), "--stats", stats};
  if (f.delay_ms > 0) a.insert(a.end(), {"--delay-ms", arg(f.delay_ms)});
  if (f.jitter_ms > 0) a.insert(a.end(), {"--jitter-ms", arg(f.jitter_ms)});
  if (!f.distribution.empty()) a.insert(a.end(), {"--distribution", f.distribution});
  if (f.correlation_percent > 0) a.insert(a.end(), {"--correlation", arg(f.correlation_percent)});
  if (f.reorder_percent > 0) a.insert(a.end(), {"--reorder", arg(f.reorder_percent)});
  if (f.duplicate_percent > 0) a.insert(a.end(), {"--duplicate", arg(f.duplicate_percent)});
  if (f.corrupt_percent > 0) a.insert(a.end(), {"--corrupt", arg(f.corrupt_percent)});
  return a;
}

nlohmann::json read_stats(Host& h) {
  RunResult r = h.run({"cat", stats_path(h)}, {std::chrono::seconds(10), {}, {}});
  if (!r.ok()) return nullptr;
  try {
    return nlohmann::json::parse(r.out);
  } catch (const std::exception&) {
    return nullptr;
  }
}

// The pid in the host's stats file, if that process is still an fl-shaper
// (a pid reused by something else is never signalled).
int live_shaper_pid(Host& h, const nlohmann::json& stats) {
  if (!stats.is_object() || !stats.contains("pid") || !stats["pid"].is_number_integer()) return 0;
  int pid = stats["pid"].get<int>();
  if (pid <= 1) return 0;
  RunResult r = h.run({"cat", fmt::format("/proc/{}/cmdline", pid)}, {std::chrono::seconds(10), {}, {}});
  if (!r.ok() || r.out.find("fl-shaper") == std::string::npos) return 0;
  return pid;
}

}  // namespace

std::string shaper_binary() {
  if (const char* env = std::getenv("FL_SHAPER"); env && *env) return env;
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    auto beside = self.parent_path() / "fl-shaper";
    if (access(beside.c_str(), X_OK) == 0) return beside.string();
  }
  return find_program("fl-shaper");
}

std::string shaper_unavailable(const std::string& nemesis) {
  if (shaper_binary().empty())
    return fmt::format("the {} nemesis needs tc netem (sch_netem, which this kernel does not have) or fl-shaper "
                       "beside faultline; build the fl-shaper target",
                       nemesis);
  if (find_program("iptables").empty())
    return fmt::format("the {} nemesis needs iptables to send packets to fl-shaper; install iptables (scripts/setup)",
                       nemesis);
  return "";
}

void start_shapers(const std::vector<Host*>& hosts, const PacketFault& fault, std::uint64_t seed, const Destinations& to) {
  std::string binary = shaper_binary();
  if (binary.empty()) throw ClusterError(shaper_unavailable("packet"));
  std::vector<std::uint64_t> seeds;
  for (size_t i = 0; i < hosts.size(); ++i) seeds.push_back(seed + 0x9e3779b97f4a7c15ULL * (i + 1));
  std::map<const Host*, std::uint64_t> seed_of;
  for (size_t i = 0; i < hosts.size(); ++i) seed_of[hosts[i]] = seeds[i];
  on_each_host(hosts, [&](Host& h) {
    std::string stats = stats_path(h);
    h.run({"mkdir", "-p", "/run/faultline"});
    h.run({"rm", "-f", stats});
    DaemonSpec spec;
    spec.name = "fl-shaper";
    spec.argv = shaper_argv(binary, fault, seed_of.at(&h), stats);
    spec.log_path = log_path(h);
    int pid = h.spawn(spec);
    // Ready once its stats file exists: the queue is bound.
    for (int i = 0; i < 100; ++i) {
      if (h.run({"test", "-e", stats}).ok()) return;
      if (!h.alive(pid)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    RunResult log = h.run({"tail", "-n", "5", log_path(h)});
    if (h.alive(pid)) h.stop(pid, std::chrono::seconds(2));
    throw ClusterError(fmt::format("fl-shaper did not start on {}: {}", h.name(),
                                   log.ok() && !log.out.empty() ? last_output_line(log.out) : "it wrote nothing"));
  });
  apply_shaper_queue(hosts, kShaperQueue, kShaperMark, "", to);
}

ShaperReport stop_shapers(const std::vector<Host*>& hosts) {
  // The rules first: from now on no packet is sent to a queue.
  remove_chain(hosts, kShaperChain, "OUTPUT");
  ShaperReport report;
  std::mutex mu;
  on_each_host(hosts, [&](Host& h) {
    nlohmann::json before = read_stats(h);
    int pid = live_shaper_pid(h, before);
    std::string problem;
    if (pid > 0) {
      h.stop(pid, std::chrono::seconds(3));  // SIGTERM: it releases everything it holds
    } else {
      problem = fmt::format("fl-shaper on {} was no longer running when the fault was healed, so its faults stopped "
                            "early",
                            h.name());
    }
    nlohmann::json stats = read_stats(h);
    h.run({"rm", "-f", stats_path(h)});
    if (stats.is_object() && stats.value("behind", false))
      problem = fmt::format("fl-shaper on {} fell behind (releases late by {} us at the 99th percentile, {} packets "
                            "dropped by the kernel): it added delay or loss of its own",
                            h.name(), stats.value("late_p99_us", 0),
                            stats.value("kernel_dropped_queue_full", 0) + stats.value("kernel_dropped_socket_full", 0));
    // Its log stays behind only when something went wrong, named in the problem.
    // Kept under a name of its own, so the next shaper on this host does not
    // write over the log a problem points to.
    if (problem.empty()) {
      h.run({"rm", "-f", log_path(h)});
    } else {
      std::string kept = fmt::format("/run/faultline/fl-shaper-{}-{}.log", h.name(),
                                     std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::system_clock::now().time_since_epoch())
                                         .count());
      if (h.run({"mv", log_path(h), kept}).ok()) problem += fmt::format(" (its log: {} on {})", kept, h.name());
    }
    std::lock_guard<std::mutex> lock(mu);
    if (stats.is_object()) report.stats[h.name()] = stats;
    if (!problem.empty()) report.problem += (report.problem.empty() ? "" : "; ") + problem;
  });
  return report;
}

}  // namespace fl
