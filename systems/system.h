// System: a target system faultline can test — its Db (how it runs on the
// nodes) and its clients (how a process talks to one node). One folder per
// system under systems/, one registry line in systems/registry.cpp.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "checkers/registry.h"
#include "cluster/db.h"
#include "cluster/host.h"
#include "workloads/workload.h"

namespace fl {

struct ClientOptions {
  double timeout_s = 1.0;   // per-request timeout; exceeding it is Info
  nlohmann::json workload_params = nlohmann::json::object();  // what the workload was given (e.g. the bank's accounts)
};

class System {
 public:
  virtual ~System() = default;
  virtual std::string name() const = 0;
  // True if the system runs inside faultline's process (no cluster, no root).
  virtual bool in_process() const { return false; }
  virtual std::vector<std::string> workloads() const = 0;  // supported workloads
  // Workload knobs this system sets unless the user sets them (--workload-opt
  // wins): e.g. no cas for a design that cannot compare-and-set, and the
  // session-guarantee checkers for a design that promises less than
  // linearizability.
  virtual nlohmann::json workload_defaults(const std::string& workload) const { return nlohmann::json::object(); }
  virtual Db& db() = 0;
  // A client for `workload` bound to `node` (nullptr node for in-process systems).
  virtual std::unique_ptr<Client> make_client(const std::string& workload, Host* node,
                                              const ClientOptions& opts) = 0;
};

struct SystemInfo {
  std::string name;
  std::string description;
  // The knobs `options` may set (--opt), spelt with dashes; make_system
  // refuses any other key, unless every other key is a flag of the server
  // on each node (which then judges it).
  std::vector<RegistryEntry> knobs;
  bool node_flags = false;
};

// The system registry (systems/registry.cpp). make_system: nullptr if the
// name is unknown; throws std::invalid_argument (a usage error) for an
// option that is not one of the system's knobs, naming them, or for a
// knob's bad value.
std::vector<SystemInfo> list_systems();
std::unique_ptr<System> make_system(std::string_view name, const nlohmann::json& options = {});

}  // namespace fl
