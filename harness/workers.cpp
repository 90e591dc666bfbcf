#include "harness/workers.h"

#include <chrono>
#include <random>

#include <fmt/format.h>

#include "history/wire_log.h"

namespace fl {

// What one worker is doing, so Ctrl-C can close an op that will not finish
// in time: the runner records it as info and the worker, when its call
// finally returns, records nothing more.
struct Workers::Slot {
  std::mutex mu;
  bool in_flight = false;
  bool abandoned = false;   // no more ops; an in-flight op was closed as info
  std::int64_t process = 0;
  OpSpec op;
  std::string node;
  bool done = false;        // the worker thread has finished
};

Workers::Workers(System& system, std::vector<Host*> hosts, Recorder& recorder, WorkersOptions opts)
    : system_(system), hosts_(std::move(hosts)), recorder_(recorder), opts_(std::move(opts)),
      max_process_(opts_.concurrency - 1) {
  for (int w = 0; w < opts_.concurrency; ++w) slots_.push_back(std::make_unique<Slot>());
}

Workers::~Workers() { join(); }

Host* Workers::node_for(std::int64_t n) const {
  if (hosts_.empty()) return nullptr;
  return hosts_[static_cast<std::size_t>(n) % hosts_.size()];
}

// Runs one op for `process` on `client`, recording both ends; false if the
// slot was abandoned meanwhile (abandon_after recorded the completion).
bool Workers::perform(Slot& slot, std::int64_t process, Client& client, const OpSpec& op, const std::string& node,
                      Completion& c) {
  std::int64_t index = -1;
  {
    std::lock_guard<std::mutex> lock(slot.mu);
    if (slot.abandoned) return false;
    slot.in_flight = true;
    slot.process = process;
    slot.op = op;
    slot.node = node;
    index = recorder_.invoke(process, op, node);
  }
  try {
    WireScope wire(process, index, node);  // the exchanges the client makes for it
    c = client.invoke(op);
  } catch (const std::exception& e) {
    c = Completion{OpType::Info, nullptr, e.what()};
  }
  std::lock_guard<std::mutex> lock(slot.mu);
  slot.in_flight = false;
  if (slot.abandoned) return false;
  recorder_.complete(process, op, c, node);
  return true;
}

void Workers::work(int w, Generator& generator) {
  Slot& slot = *slots_[w];
  std::mt19937_64 rng(opts_.seed * 1000003 + w);
  WorkerPace pace;
  std::int64_t process = w;
  try {
    // A worker keeps its node for the whole run, as Jepsen's do (worker w
    // talks to node w mod n): a client cut off with a minority keeps
    // trying there, where a stale read would be served, instead of moving
    // to the majority after its first timeout.
    Host* node = node_for(w);
    std::string node_name = node ? node->name() : "";
    std::unique_ptr<Client> client = system_.make_client(opts_.workload, node, opts_.client);
    while (auto op = generator.next(pace, rng)) {
      Completion c;
      if (!perform(slot, process, *client, *op, node_name, c)) break;
      generator.completed(*op, c);
      if (c.type == OpType::Info) {
        // Jepsen's rule: a process whose op is indeterminate never invokes
        // again; the worker carries on as a fresh process (and connection).
        process += opts_.concurrency;
        std::int64_t seen = max_process_.load();
        while (process > seen && !max_process_.compare_exchange_weak(seen, process)) {
        }
        client = system_.make_client(opts_.workload, node, opts_.client);
      }
    }
  } catch (const std::exception& e) {
    std::lock_guard<std::mutex> lock(errors_mu_);
    errors_.push_back(fmt::format("worker {}: {}", w, e.what()));
  }
  std::lock_guard<std::mutex> lock(slot.mu);
  slot.done = true;
}

void Workers::start(Generator& generator) {
  for (int w = 0; w < opts_.concurrency; ++w) threads_.emplace_back([this, w, &generator] { work(w, generator); });
}

bool Workers::all_done() const {
  for (const auto& s : slots_) {
    std::lock_guard<std::mutex> lock(s->mu);
    if (!s->done && !threads_.empty()) return false;
  }
  return true;
}

void Workers::abandon_after(double grace_s) {
  using Clock = std::chrono::steady_clock;
  auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(grace_s));
  while (!all_done() && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  for (auto& s : slots_) {
    std::lock_guard<std::mutex> lock(s->mu);
    s->abandoned = true;
    if (s->in_flight) recorder_.complete(s->process, s->op, Completion{OpType::Info, nullptr, "interrupted"}, s->node);
  }
}

void Workers::join() {
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

void Workers::run_final(const std::vector<OpSpec>& ops) {
  Slot slot;
  std::int64_t process = (max_process_.load() / opts_.concurrency + 1) * opts_.concurrency;
  for (const OpSpec& op : ops) {
    Host* node = node_for(process);
    std::unique_ptr<Client> client = system_.make_client(opts_.workload, node, opts_.client);
    Completion c;
    perform(slot, process, *client, op, node ? node->name() : "", c);
    ++process;
  }
}

std::vector<std::string> Workers::errors() const {
  std::lock_guard<std::mutex> lock(errors_mu_);
  return errors_;
}

}  // namespace fl
