// ClusterOwner: the process a faultline cluster belongs to, recorded in the
// cluster journal when the cluster is made. A process is its pid *and* the
// kernel's start time of that pid, so a pid reused after a crash is never
// taken for the owner. An owner that is gone (a SIGKILLed run, a finished
// `faultline cluster up`) protects nothing: anyone may remove its cluster.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace fl {

struct ClusterOwner {
  int pid = 0;
  std::uint64_t start_ticks = 0;  // field 22 of /proc/PID/stat: clock ticks after boot
  std::string command;            // its command line, for the sentence that names it
  std::string since;              // when it took the cluster, local time

  static ClusterOwner self();
  // nullopt when `j` is not an owner record (an older journal has none).
  static std::optional<ClusterOwner> from_json(const nlohmann::json& j);
  nlohmann::json to_json() const;

  bool alive() const;    // the very process that recorded itself still runs
  bool is_self() const;  // and it is this one
  // "pid 4242 (faultline test --system etcd …), since 2024-05-01 12:00:00".
  std::string describe() const;
};

// The kernel's start time of `pid` (ticks after boot), 0 if there is no such process.
std::uint64_t process_start_ticks(int pid);

}  // namespace fl
