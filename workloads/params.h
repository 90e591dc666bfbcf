// WorkloadParams: a workload's knobs as given by --workload-opt KEY=VALUE,
// each found under its name (spelt with dashes: "pause-ms"), checked, and
// refused in one sentence naming the workload and the knob
// (std::invalid_argument, a usage error). Read-only; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "history/op.h"

namespace fl {

class WorkloadParams {
 public:
  WorkloadParams(std::string workload, const Json& params) : workload_(std::move(workload)), params_(params) {}
  // A whole number >= min; `fallback` when the knob is absent.
  std::int64_t whole(const std::string& name, std::int64_t fallback, std::int64_t min) const;
  // A number between 0 and 1; `fallback` when absent.
  double fraction(const std::string& name, double fallback) const;

 private:
  const Json* find(const std::string& name) const;
  std::string workload_;
  Json params_;
};

}  // namespace fl
