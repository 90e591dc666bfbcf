// The checker registry: one line per checker.
#include "checkers/registry.h"

#include <memory>

namespace fl {

// Each checker file defines one factory; declare it here and add it below.
std::unique_ptr<Checker> make_stats_checker();
std::unique_ptr<Checker> make_linearizable_checker();
// Checkers beyond linearizability (session guarantees, Jepsen's classics).
std::unique_ptr<Checker> make_session_checker();
std::unique_ptr<Checker> make_read_your_writes_checker();
std::unique_ptr<Checker> make_monotonic_reads_checker();
std::unique_ptr<Checker> make_monotonic_writes_checker();
std::unique_ptr<Checker> make_writes_follow_reads_checker();
std::unique_ptr<Checker> make_set_checker();
std::unique_ptr<Checker> make_counter_checker();
std::unique_ptr<Checker> make_bank_checker();
std::unique_ptr<Checker> make_lock_checker();
std::unique_ptr<Checker> make_total_queue_checker();
std::unique_ptr<Checker> make_unique_ids_checker();
std::unique_ptr<Checker> make_causal_checker();
std::unique_ptr<Checker> make_causal_consistency_checker();
std::unique_ptr<Checker> make_causal_memory_checker();
std::unique_ptr<Checker> make_causal_convergence_checker();
// Maelstrom's workloads: broadcast, g-counter, pn-counter, echo.
std::unique_ptr<Checker> make_broadcast_checker();
std::unique_ptr<Checker> make_g_counter_checker();
std::unique_ptr<Checker> make_pn_counter_checker();
std::unique_ptr<Checker> make_echo_checker();
// Maelstrom's --availability: the share of ops that must succeed.
std::unique_ptr<Checker> make_availability_checker();
// Transactions (Elle's checkers): checkers/txn/.
std::unique_ptr<Checker> make_txn_list_append_checker();
std::unique_ptr<Checker> make_txn_rw_register_checker();

const std::vector<const Checker*>& all_checkers() {
  static const std::vector<std::unique_ptr<Checker>> owned = [] {
    std::vector<std::unique_ptr<Checker>> v;
    v.push_back(make_stats_checker());
    v.push_back(make_linearizable_checker());
    for (auto make : {make_session_checker, make_read_your_writes_checker, make_monotonic_reads_checker,
                      make_monotonic_writes_checker, make_writes_follow_reads_checker, make_set_checker,
                      make_counter_checker, make_bank_checker, make_lock_checker, make_total_queue_checker,
                      make_unique_ids_checker,
                      make_causal_checker, make_causal_consistency_checker, make_causal_memory_checker,
                      make_causal_convergence_checker, make_txn_list_append_checker,
                      make_txn_rw_register_checker, make_broadcast_checker, make_g_counter_checker,
                      make_pn_counter_checker,
                      make_echo_checker, make_availability_checker})
      v.push_back(make());
    return v;
  }();
  static const std::vector<const Checker*> view = [] {
    std::vector<const Checker*> v;
    for (const auto& c : owned) v.push_back(c.get());
    return v;
  }();
  return view;
}

std::vector<RegistryEntry> list_checkers() {
  std::vector<RegistryEntry> out;
  for (const Checker* c : all_checkers()) out.push_back({c->name(), c->description()});
  return out;
}

const Checker* find_checker(std::string_view name) {
  for (const Checker* c : all_checkers())
    if (c->name() == name) return c;
  return nullptr;
}

}  // namespace fl
