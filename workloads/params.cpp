#include "workloads/params.h"

#include <stdexcept>

namespace fl {

const Json* WorkloadParams::find(const std::string& name) const {
  if (!params_.is_object()) return nullptr;
  auto it = params_.find(name);
  return it == params_.end() ? nullptr : &*it;
}

std::int64_t WorkloadParams::whole(const std::string& name, std::int64_t fallback, std::int64_t min) const {
  const Json* v = find(name);
  if (!v) return fallback;
  if (!v->is_number_integer() || v->get<std::int64_t>() < min)
    throw std::invalid_argument("the " + workload_ + " workload's " + name + " must be a whole number >= " +
                                std::to_string(min) + ", not " + v->dump());
  return v->get<std::int64_t>();
}

double WorkloadParams::fraction(const std::string& name, double fallback) const {
  const Json* v = find(name);
  if (!v) return fallback;
  if (!v->is_number() || v->get<double>() < 0 || v->get<double>() > 1)
    throw std::invalid_argument("the " + workload_ + " workload's " + name + " must be between 0 and 1, not " +
                                v->dump());
  return v->get<double>();
}

}  // namespace fl
