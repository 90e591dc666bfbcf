// The workload registry: one line per workload, with the knobs it reads.
#include "workloads/workload.h"

#include <algorithm>
#include <functional>
#include <stdexcept>

namespace fl {

std::unique_ptr<Workload> make_register_workload(const WorkloadOptions& opts);
std::unique_ptr<Workload> make_kv_workload(const WorkloadOptions& opts);
std::unique_ptr<Workload> make_set_workload(const WorkloadOptions& opts);
std::unique_ptr<Workload> make_lock_workload(const WorkloadOptions& opts);
std::unique_ptr<Workload> make_list_append_workload(const WorkloadOptions& opts);
std::unique_ptr<Workload> make_rw_register_workload(const WorkloadOptions& opts);
std::unique_ptr<Workload> make_bank_workload(const WorkloadOptions& opts);
std::unique_ptr<Workload> make_echo_workload(const WorkloadOptions& opts);
std::unique_ptr<Workload> make_broadcast_workload(const WorkloadOptions& opts);
std::unique_ptr<Workload> make_g_counter_workload(const WorkloadOptions& opts);
std::unique_ptr<Workload> make_pn_counter_workload(const WorkloadOptions& opts);
std::unique_ptr<Workload> make_g_set_workload(const WorkloadOptions& opts);
std::unique_ptr<Workload> make_unique_ids_workload(const WorkloadOptions& opts);

namespace {

struct Entry {
  WorkloadInfo info;
  std::function<std::unique_ptr<Workload>(const WorkloadOptions&)> make;
};

const std::vector<RegistryEntry> kRegisterKnobs = {
    {"mix", "op weights, JSON {\"read\": r, \"write\": w, \"cas\": c}"},
    {"values", "unique, small (0…4) or a number of small values"},
    {"sessions", "true: unique writes, no cas, and the session-guarantee and causal checkers too"}};

std::vector<RegistryEntry> kv_knobs() {
  std::vector<RegistryEntry> k = kRegisterKnobs;
  k.push_back({"keys", "how many keys are written at a time (default 8)"});
  k.push_back({"ops-per-key", "ops each key gets before the next key takes its place (default 400)"});
  return k;
}

const std::vector<RegistryEntry> kTxnKnobs = {
    {"key-count", "keys in play at a time (default 5)"},
    {"min-txn-length", "micro-ops per transaction, at least (default 1)"},
    {"max-txn-length", "micro-ops per transaction, at most (default 4)"},
    {"max-writes-per-key", "writes to a key before it is retired (default 32)"},
    {"pattern", "random (default) or write-skew"},
    {"consistency-models", "the models the history must satisfy (default strict-serializable)"},
    {"anomalies", "the anomalies to look for"},
    {"sequential-keys", "assume each key is sequentially consistent"},
    {"linearizable-keys", "assume each key is linearizable"},
    {"wfr-keys", "assume writes follow reads on each key"}};

const std::vector<Entry>& entries() {
  static const std::vector<Entry> v = {
      {{"register", "one register: read / write / cas, fresh values (values=small: 0..4) (cas-register model)",
        kRegisterKnobs},
       make_register_workload},
      {{"kv", "independent registers: read / write / cas with a key, keys rotating (kv model)", kv_knobs()},
       make_kv_workload},
      {{"set", "add unique values to one set, read it now and then and after the heal (set checker: lost, unexpected)",
        {{"read-fraction", "the share of ops that are reads (default 0.1)"},
         {"final-reads", "reads after the final heal, one per node in turn (default 3, or one per node when there are more)"}}},
       make_set_workload},
      {{"lock", "acquire a lease lock, sometimes pause past the lease, write to a store with the token, release; "
                "a final read of the store's log (lock checker)",
        {{"ttl-ms", "the lease (default 400)"},
         {"pause-ms", "how long a paused holder sleeps (default twice ttl-ms)"},
         {"wait-ms", "how long an acquire waits (default 1000)"},
         {"pause-rate", "the share of holders that pause (default 0.3)"}}},
       make_lock_workload},
      {{"list-append", "transactions appending unique values to lists and reading them (Elle's list-append; txn-list-append)",
        kTxnKnobs},
       make_list_append_workload},
      {{"rw-register", "transactions reading and writing registers with unique values (Elle's rw-register; txn-rw-register)",
        kTxnKnobs},
       make_rw_register_workload},
      {{"bank", "transfers between accounts and reads of all balances (Jepsen's bank; the total must stay constant)",
        {{"accounts", "how many accounts (default 5)"},
         {"total", "the sum of the balances (default 100)"},
         {"max-transfer", "the largest transfer (default 5)"},
         {"read-fraction", "the share of ops that are reads (default 0.5)"}}},
       make_bank_workload},
      // Maelstrom's workloads (the maelstrom system), on the ops above where they fit.
      {{"echo", "Maelstrom's echo: each op sends a unique string and must get it back (echo checker)", {}},
       make_echo_workload},
      {{"broadcast", "Maelstrom's broadcast: the set workload's ops as broadcasts and reads; every node's final "
                     "read must hold every acknowledged value (broadcast and set checkers)",
        {{"read-fraction", "the share of ops that are reads (default 0.1)"},
         {"final-reads", "reads after the final heal, one per node in turn (default 5, or one per node when there are more)"}}},
       make_broadcast_workload},
      {{"g-counter", "Maelstrom's grow-only counter: adds of 1…5 and reads; every node's final read must lie "
                     "between the acknowledged and the attempted adds (g-counter checker)",
        {{"read-fraction", "the share of ops that are reads (default 0.2)"},
         {"final-reads", "reads after the final heal, one per node in turn (default 5, or one per node when there are more)"}}},
       make_g_counter_workload},
      {{"lin-kv", "Maelstrom's lin-kv: the kv workload (read / write / cas with a key; kv model)", kv_knobs()},
       make_kv_workload},
      {{"txn-rw-register", "Maelstrom's txn-rw-register: the rw-register workload (Elle's; txn-rw-register)", kTxnKnobs},
       make_rw_register_workload},
      {{"txn-list-append", "Maelstrom's txn-list-append: the list-append workload (Elle's; txn-list-append)", kTxnKnobs},
       make_list_append_workload},
      {{"unique-ids", "Maelstrom's unique-ids: every op is a generate, whose id no other generate may return "
                      "(unique-ids checker)",
        {}},
       make_unique_ids_workload},
      {{"g-set", "Maelstrom's grow-only set: the broadcast workload's ops as adds and reads (broadcast and set "
                 "checkers)",
        {{"read-fraction", "the share of ops that are reads (default 0.1)"},
         {"final-reads", "reads after the final heal, one per node in turn (default 5, or one per node when there are more)"}}},
       make_g_set_workload},
      {{"pn-counter", "Maelstrom's counter that also decrements: adds of -5…5 and reads; every node's final read "
                      "must lie within what the acknowledged and attempted adds allow (pn-counter checker)",
        {{"read-fraction", "the share of ops that are reads (default 0.2)"},
         {"final-reads", "reads after the final heal, one per node in turn (default 5, or one per node when there are more)"}}},
       make_pn_counter_workload},
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
  for (const Entry& e : entries()) {
    if (e.info.name != name) continue;
    if (opts.params.is_object())
      for (const auto& item : opts.params.items()) {
        // A plain string, not a structured binding: clang before 16 cannot capture one.
        const std::string key = item.key();
        const auto& k = e.info.knobs;
        if (std::none_of(k.begin(), k.end(), [&](const RegistryEntry& knob) { return knob.name == key; }))
          throw std::invalid_argument(unknown_name("--workload-opt", key, k, "for the " + e.info.name + " workload"));
      }
    return e.make(opts);
  }
  return nullptr;
}

}  // namespace fl
