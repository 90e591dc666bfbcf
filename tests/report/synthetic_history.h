// Histories made up for tests and benchmarks of the report: a register under
// P concurrent processes with real times, as an etcd test would record it —
// every op takes effect at one instant inside its interval, so the history is
// linearizable unless a stale read is planted — with the nemesis's partition
// windows, slower ops and timeouts (info, which retire their process) while
// a partition is on. The register starts at 0 (check with --init 0); writes
// carry unique values, so a planted stale read (a late read of 0) is found by
// the checker's unique-value refutation at any size.
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "history/history.h"

namespace fl::test {

struct SyntheticOptions {
  std::size_t ops = 1000;
  int processes = 10;
  std::uint64_t seed = 1;
  bool stale_read = false;   // plant one read of an overwritten value, mid-history
  double fault_every_s = 0;  // 0: no nemesis; else a partition window this often
};

inline History synthetic_history(const SyntheticOptions& o) {
  std::mt19937_64 rng(o.seed);
  std::uniform_real_distribution<double> unit(0, 1);
  struct Planned {
    std::int64_t process, invoke, at, complete;
    int f;  // 0 read, 1 write, 2 cas
    bool info;
  };
  // Fault windows first: ops inside one are slower and sometimes time out.
  const double mean_ns = 400e3;  // 0.4 ms per op
  const double span_ns = static_cast<double>(o.ops) * mean_ns * 1.3 / o.processes;
  std::vector<std::pair<std::int64_t, std::int64_t>> faults;
  if (o.fault_every_s > 0)
    for (double t = o.fault_every_s * 0.5e9; t < span_ns; t += o.fault_every_s * 1e9)
      faults.emplace_back(static_cast<std::int64_t>(t), static_cast<std::int64_t>(t + o.fault_every_s * 0.4e9));
  auto in_fault = [&](std::int64_t t) {
    for (const auto& w : faults)
      if (t >= w.first && t < w.second) return true;
    return false;
  };
  std::vector<Planned> plan;
  plan.reserve(o.ops);
  std::vector<std::int64_t> clock(static_cast<std::size_t>(o.processes), 0), process(static_cast<std::size_t>(o.processes));
  for (int w = 0; w < o.processes; ++w) process[static_cast<std::size_t>(w)] = w;
  std::exponential_distribution<double> think(1 / 50e3), service(1 / mean_ns);
  for (std::size_t k = 0; k < o.ops; ++k) {
    const auto w = static_cast<std::size_t>(k % static_cast<std::size_t>(o.processes));
    const std::int64_t inv = clock[w] + 1 + static_cast<std::int64_t>(think(rng));
    const bool faulty = in_fault(inv);
    double d = 20e3 + service(rng) * (faulty ? 6 : 1);
    const bool info = faulty && unit(rng) < 0.15;
    if (info) d = 5e6;  // a timeout
    const auto cmp = inv + static_cast<std::int64_t>(d);
    const auto at = inv + static_cast<std::int64_t>(unit(rng) * d);
    const double r = unit(rng);
    plan.push_back(Planned{process[w], inv, at, cmp, r < 0.5 ? 0 : r < 0.85 ? 1 : 2, info});
    clock[w] = cmp;
    if (info) process[w] += o.processes;  // Jepsen's rule: an info retires the process
  }
  // Apply the ops in the order of their instants to learn every result.
  std::vector<std::size_t> by_at(plan.size());
  for (std::size_t i = 0; i < by_at.size(); ++i) by_at[i] = i;
  std::sort(by_at.begin(), by_at.end(), [&](std::size_t a, std::size_t b) { return plan[a].at < plan[b].at; });
  std::vector<Json> arg(plan.size()), result(plan.size());
  std::vector<OpType> type(plan.size(), OpType::Ok);
  std::int64_t reg = 0, next_value = 1;
  std::vector<std::int64_t> written{0};
  for (std::size_t i : by_at) {
    Planned& p = plan[i];
    if (p.f == 0) {
      arg[i] = nullptr;
      result[i] = reg;
    } else if (p.f == 1) {
      arg[i] = result[i] = next_value;
      reg = next_value++;
      written.push_back(reg);
    } else {
      // cas from the current value half of the time, else from a stale one.
      const std::int64_t from = unit(rng) < 0.5 ? reg : written[static_cast<std::size_t>(unit(rng) * written.size())];
      arg[i] = result[i] = Json::array({from, next_value});
      if (from == reg) {
        reg = next_value++;
        written.push_back(reg);
      } else if (!p.info) {
        type[i] = OpType::Fail;
      }
    }
    if (p.info) {
      type[i] = OpType::Info;
      result[i] = nullptr;
    }
  }
  if (o.stale_read) {
    // A read from the second half returns the initial value 0, which every
    // write that completed before it was invoked has overwritten for good
    // (values are unique).
    for (std::size_t k = by_at.size() / 2; k < by_at.size(); ++k) {
      const std::size_t i = by_at[k];
      if (plan[i].f != 0 || plan[i].info || result[i] == 0) continue;
      result[i] = 0;
      break;
    }
  }
  struct Event {
    std::int64_t time;
    int order;  // completions before invocations at the same instant
    std::size_t op;
    bool invoke;
    int nemesis;  // -1: client; 0 start, 1 stop
  };
  std::vector<Event> events;
  events.reserve(plan.size() * 2 + faults.size() * 2);
  for (std::size_t i = 0; i < plan.size(); ++i) {
    events.push_back(Event{plan[i].invoke, 1, i, true, -1});
    events.push_back(Event{plan[i].complete, 0, i, false, -1});
  }
  for (std::size_t k = 0; k < faults.size(); ++k) {
    events.push_back(Event{faults[k].first, 0, k, false, 0});
    events.push_back(Event{faults[k].second, 0, k, false, 1});
  }
  std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    return a.time != b.time ? a.time < b.time : a.order < b.order;
  });
  static const char* const kF[] = {"read", "write", "cas"};
  std::vector<Op> ops;
  ops.reserve(events.size());
  for (const Event& e : events) {
    Op op;
    op.time = e.time;
    if (e.nemesis >= 0) {
      op.process = kNemesis;
      op.type = OpType::Info;
      op.f = e.nemesis == 0 ? "start-partition" : "stop-partition";
      op.value = e.nemesis == 0 ? Json{{"n1", {"n2", "n3"}}, {"n2", {"n1"}}, {"n3", {"n1"}}} : Json();
    } else {
      const Planned& p = plan[e.op];
      op.process = p.process;
      op.f = kF[p.f];
      op.node = "n" + std::to_string(1 + p.process % 3);
      if (e.invoke) {
        op.type = OpType::Invoke;
        op.value = arg[e.op];
      } else {
        op.type = type[e.op];
        op.value = result[e.op];
        if (type[e.op] == OpType::Info) op.error = "timeout after 5 ms";
        if (type[e.op] == OpType::Fail) op.error = "compare failed";
      }
    }
    op.index = static_cast<std::int64_t>(ops.size());
    ops.push_back(std::move(op));
  }
  return History(std::move(ops), "synthetic");
}

}  // namespace fl::test
