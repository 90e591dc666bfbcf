// Workload: what clients do and how it is judged (Jepsen's generator +
// checker pairing). A workload produces op invocations and names the checkers
// (and linearizability model) that judge its history. The Client interface
// is what a system must implement to run the workload.
// Thread-safety: next() and completed() are called by many workers at once
// and must be safe. A worker calls both on its own thread, one op at a time
// (a workload may keep per-worker state keyed by the calling thread).
#pragma once

#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "checkers/registry.h"
#include "history/op.h"

namespace fl {

// An operation to invoke: what goes into the invocation's f / value / key.
struct OpSpec {
  std::string f;
  Json value;
  std::optional<Json> key;
};

// The outcome of one invocation, as the client observed it.
struct Completion {
  OpType type = OpType::Info;   // Ok, Fail or Info — never Invoke
  Json value;                   // the result (the read value, …)
  std::string error;            // why, for Fail / Info
};

// One client per logical process, bound to one node. Jepsen's rule for
// outcomes: Fail only when the op certainly had no effect; a timeout or a
// lost connection after sending is Info.
class Client {
 public:
  virtual ~Client() = default;
  virtual Completion invoke(const OpSpec& op) = 0;
};

struct WorkloadOptions {
  std::uint64_t seed = 0;
  Json params = Json::object();   // workload-specific knobs (mix, keys, …)
  int nodes = 0;                  // nodes of the cluster (0 = unknown): final reads default to one on each
};

class Workload {
 public:
  virtual ~Workload() = default;
  virtual std::string name() const = 0;
  // The next op for a worker; rng is the worker's own.
  virtual OpSpec next(std::mt19937_64& rng) = 0;
  // Told of every completed op (from any worker thread, after it is recorded),
  // so later ops can build on what was seen (the register's cas expects a
  // value a read returned). Default: nothing.
  virtual void completed(const OpSpec&, const Completion&) {}
  // Ops issued once, after the final heal (e.g. a final read). May be empty.
  virtual std::vector<OpSpec> final_ops() { return {}; }
  // The checkers that judge this workload, and the model/init they use.
  virtual std::vector<std::string> checkers() const = 0;
  virtual std::string model() const { return ""; }
  virtual std::optional<Json> init() const { return std::nullopt; }
  // Settings for the checkers (CheckOptions::params), e.g. the transactional
  // checkers' "consistency-models".
  virtual Json check_params() const { return Json::object(); }
};

struct WorkloadInfo {
  std::string name;
  std::string description;
  // The knobs WorkloadOptions::params may set (--workload-opt), spelt with
  // dashes; make_workload refuses any other key.
  std::vector<RegistryEntry> knobs;
};

// The workload registry (workloads/registry.cpp): one line per workload.
std::vector<WorkloadInfo> list_workloads();
// nullptr if unknown; throws std::invalid_argument (a usage error) for a
// params key that is not one of the workload's knobs, naming them, or for a
// knob's bad value.
std::unique_ptr<Workload> make_workload(std::string_view name, const WorkloadOptions& opts);

}  // namespace fl
