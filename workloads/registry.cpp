// The workload registry: one line per workload.
#include "workloads/workload.h"

#include <functional>

namespace fl {

std::unique_ptr<Workload> make_register_workload(const WorkloadOptions& opts);
std::unique_ptr<Workload> make_kv_workload(const WorkloadOptions& opts);
std::unique_ptr<Workload> make_set_workload(const WorkloadOptions& opts);
std::unique_ptr<Workload> make_lock_workload(const WorkloadOptions& opts);
std::unique_ptr<Workload> make_list_append_workload(const WorkloadOptions& opts);
std::unique_ptr<Workload> make_rw_register_workload(const WorkloadOptions& opts);
std::unique_ptr<Workload> make_bank_workload(const WorkloadOptions& opts);

namespace {

struct Entry {
  WorkloadInfo info;
  std::function<std::unique_ptr<Workload>(const WorkloadOptions&)> make;
};

const std::vector<Entry>& entries() {
  static const std::vector<Entry> v = {
      {{"register", "one register: read / write / cas over a small value range (cas-register model)"},
       make_register_workload},
      {{"kv", "independent registers: read / write / cas with a key, keys rotating (kv model)"},
       make_kv_workload},
      {{"set", "add unique values to one set, read it now and then and after the heal (set checker: lost, unexpected)"},
       make_set_workload},
      {{"lock", "acquire a lease lock, sometimes pause past the lease, write to a store with the token, release; "
                "a final read of the store's log (lock checker)"},
       make_lock_workload},
      {{"list-append", "transactions appending unique values to lists and reading them (Elle's list-append)"},
       make_list_append_workload},
      {{"rw-register", "transactions reading and writing registers with unique values (Elle's rw-register)"},
       make_rw_register_workload},
      {{"bank", "transfers between accounts and reads of all balances (Jepsen's bank)"}, make_bank_workload},
  };
  return v;
}

}  // namespace

std::vector<WorkloadInfo> list_workloads() {
  std::vector<WorkloadInfo> out;
  for (const Entry& e : entries()) out.push_back(e.info);
  return out;
}

std::unique_ptr<Workload> make_workload(std::string_view name, const WorkloadOptions& opts) {
  for (const Entry& e : entries())
    if (e.info.name == name) return e.make(opts);
  return nullptr;
}

}  // namespace fl
