#include "nemesis/node_clock.h"

#include <fstream>

#include <fmt/format.h>

#include "cluster/faketime.h"
#include "cluster/host_journal.h"
#include "cluster/namespace_host.h"
#include "cluster/ssh_host.h"

namespace fl {
namespace {

class FaketimeClock : public NodeClock {
 public:
  void set_offset(Host& host, double seconds) override { write_clock_offset(host, seconds); }
  double offset(Host& host) override { return read_clock_offset(host); }
  std::string mechanism() const override { return "libfaketime"; }
};

// Moves the host's real clock by $1 seconds (may be negative, fractional).
constexpr const char* kShiftClock =
    "t=$(date +%s.%N) && date -s \"@$(awk -v t=\"$t\" -v d=\"$1\" 'BEGIN { printf \"%.3f\", t + d }')\" >/dev/null";

// A remote machine's own clock, set with `date -s` (--real-clocks). The
// offset faultline has applied is kept in the host's journal *before* the
// clock moves, so a heal after a crash moves it back by exactly that much.
class RealClock : public NodeClock {
 public:
  void set_offset(Host& host, double seconds) override {
    double delta = seconds - offset(host);
    host_journal::update(host, [&](nlohmann::json& j) {
      if (!j.is_object()) j = nlohmann::json::object();
      if (seconds == 0) j.erase("clock_offset");
      else j["clock_offset"] = seconds;
    });
    if (delta != 0) host.run_checked({"sh", "-c", kShiftClock, "sh", fmt::format("{:.3f}", delta)});
  }
  double offset(Host& host) override {
    nlohmann::json j = host_journal::read(host);
    return j.is_object() ? j.value("clock_offset", 0.0) : 0.0;
  }
  std::string mechanism() const override { return "real clock"; }
};

std::string local_boot_id() {
  std::ifstream f("/proc/sys/kernel/random/boot_id");
  std::string id;
  std::getline(f, id);
  return id;
}

}  // namespace

std::unique_ptr<NodeClock> clock_for(Host& host) {
  if (dynamic_cast<NamespaceHost*>(&host)) return std::make_unique<FaketimeClock>();
  if (auto* ssh = dynamic_cast<SshHost*>(&host)) {
    if (!ssh->options().real_clocks)
      throw ClusterError(fmt::format("clock faults on {} would set that machine's real clock; say so with --real-clocks",
                                     host.name()));
    if (ssh->boot_id() == local_boot_id())
      throw ClusterError(fmt::format("{} runs on this machine's own kernel (the same boot id), so setting its real clock "
                                     "would set this machine's; refused",
                                     host.name()));
    return std::make_unique<RealClock>();
  }
  throw ClusterError(fmt::format("clock faults on {} are not supported: only namespace nodes (libfaketime) and SSH "
                                 "hosts (--real-clocks)",
                                 host.name()));
}

}  // namespace fl
