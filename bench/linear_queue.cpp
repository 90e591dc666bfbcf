// Benchmark (not a test): the linearizability checker on generated
// unique-value fifo-queue histories of 50,000, 100,000 and 1,000,000 ops,
// each linearizable by construction and again with one planted violation
// (two values dequeued in the opposite order of their enqueues, one enqueue
// having completed before the other began), decided by the unique-value
// queue check and, up to --search-max ops, by the search alone (params
// {"unique-values": false}) with a time limit, in the same run. Prints
// times, verdicts, the deciding method and the ratio.
//   bench_linear_queue [--sizes 50000,100000,1000000] [--search-max N]
//                      [--search-limit S] [--procs P] [--info P] [--overlap P] [--threads N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <sys/resource.h>

#include "checkers/registry.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

long peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

// A queue served op by op: each of `procs` processes invokes, the op takes
// effect at a random later moment (its linearization point) and completes
// after it; with --overlap P only P% of ops overlap others, the rest run
// alone from invocation to completion. Half the ops enqueue a fresh value. With `empties` the other half
// dequeue, so the queue stays short and some dequeues find it empty (null);
// without, a dequeue is invoked only when the queue holds more values than
// dequeues are running, so none finds it empty and the queue grows long. --info P: P% of enqueues end as info (half of those took effect). With
// `plant`, after half the ops, a dequeue that should return the head a
// returns the next value b instead, and a is dequeued in b's place later —
// chosen where a's enqueue completed before b's began, so the swap is a
// violation.
std::vector<fl::Op> generate(std::size_t n_ops, int procs, int info_percent, int overlap_percent, bool empties,
                             std::uint64_t seed, bool plant, bool* was_planted = nullptr) {
  std::mt19937_64 rng(seed);
  struct Pending {
    fl::Op inv;
    int phase = 0;
    bool info = false, effect = true;
    fl::Json result;
    std::int64_t call = 0;
    bool swapper = false;
  };
  std::vector<Pending> slot(static_cast<std::size_t>(procs));
  std::vector<std::int64_t> pid(static_cast<std::size_t>(procs));
  for (int p = 0; p < procs; ++p) pid[static_cast<std::size_t>(p)] = p;
  std::int64_t next_pid = procs, next_value = 1;
  std::deque<std::int64_t> queue;
  // By value: positions of the enqueue's invocation and completion (-1: not yet).
  std::vector<std::int64_t> enq_call_of(1, -1), enq_ret_of(1, -1);
  std::vector<fl::Op> ops;
  ops.reserve(2 * n_ops);
  std::size_t invoked = 0, running_dequeues = 0;
  bool planted = !plant;
  std::int64_t owed = -1;          // a value the planted swap still has to hand out
  std::int64_t swapper_done = -1;  // where the dequeue that took b out of turn completed
  bool spoiled = false;            // the value owed went to a dequeue that overlapped the swap
  int quick = -1;                  // a process whose op runs alone from invocation to completion
  while (invoked < n_ops || running_dequeues > 0 ||
         std::any_of(slot.begin(), slot.end(), [](const Pending& s) { return s.phase > 0; })) {
    const auto p = quick >= 0 ? static_cast<std::size_t>(quick) : static_cast<std::size_t>(rng() % static_cast<std::uint64_t>(procs));
    Pending& s = slot[p];
    if (s.phase == 0) {
      if (invoked >= n_ops) continue;
      fl::Op op;
      op.process = pid[p];
      op.type = fl::OpType::Invoke;
      if (rng() % 2 == 0 || (!empties && queue.size() + (owed >= 0) <= running_dequeues)) {
        op.f = "enqueue";
        op.value = next_value++;
        enq_call_of.push_back(static_cast<std::int64_t>(ops.size()));
        enq_ret_of.push_back(-1);
      } else {
        op.f = "dequeue";
        ++running_dequeues;
      }
      ++invoked;
      s = Pending{op, 1, op.f == "enqueue" && static_cast<int>(rng() % 100) < info_percent, true, fl::Json(),
                  static_cast<std::int64_t>(ops.size()), false};
      if (s.info) s.effect = rng() % 2 == 0;
      ops.push_back(op);
      if (static_cast<int>(rng() % 100) >= overlap_percent) quick = static_cast<int>(p);
    } else if (s.phase == 1) {  // the linearization point
      s.phase = 2;
      if (!s.effect) continue;
      if (s.inv.f == "enqueue") {
        queue.push_back(s.inv.value.get<std::int64_t>());
        continue;
      }
      --running_dequeues;
      if (owed >= 0 && (queue.empty() || (swapper_done >= 0 && s.call > swapper_done))) {
        s.result = owed;  // a, after b: a violation when this dequeue began after the swap completed
        owed = -1;
        if (!(swapper_done >= 0 && s.call > swapper_done)) spoiled = true;
        continue;
      }
      if (!planted && invoked > n_ops / 2 && queue.size() >= running_dequeues + 3 &&
          enq_ret_of[static_cast<std::size_t>(queue[0])] >= 0 &&
          enq_call_of[static_cast<std::size_t>(queue[1])] > enq_ret_of[static_cast<std::size_t>(queue[0])]) {
        s.result = queue[1];  // b, while a's enqueue completed before b's began
        owed = queue[0];
        s.swapper = true;
        planted = true;
        queue.pop_front();
        queue.pop_front();
        continue;
      }
      if (queue.empty()) continue;  // found it empty: returns null
      s.result = queue.front();
      queue.pop_front();
    } else {
      fl::Op done = s.inv;
      done.type = s.info ? fl::OpType::Info : fl::OpType::Ok;
      if (s.inv.f == "dequeue") done.value = s.result;
      else if (!s.info) enq_ret_of[static_cast<std::size_t>(s.inv.value.get<std::int64_t>())] = static_cast<std::int64_t>(ops.size());
      if (s.swapper) swapper_done = static_cast<std::int64_t>(ops.size());
      ops.push_back(done);
      if (s.info) pid[p] = next_pid++;
      s.phase = 0;
      quick = -1;
    }
  }
  if (was_planted) *was_planted = plant && planted && !spoiled;
  return ops;
}

std::vector<std::size_t> parse_sizes(const char* text) {
  std::vector<std::size_t> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) out.push_back(std::stoul(item));
  return out;
}

struct Timed {
  fl::CheckResult result;
  double seconds = 0;
};

Timed run(const fl::History& h, bool unique_values, double limit_s, unsigned threads) {
  fl::CheckOptions opts;
  opts.model = "fifo-queue";
  opts.threads = threads;
  opts.time_limit_s = limit_s;
  opts.memory_limit_mb = 1024;  // the search's cache: a shared machine stays usable
  opts.params["unique-values"] = unique_values;
  const auto t = Clock::now();
  Timed out{fl::find_checker("linearizable")->check(h, opts), 0};
  out.seconds = seconds_since(t);
  return out;
}

std::string method_of(const fl::CheckResult& r) {
  std::string out;
  if (!r.detail.contains("methods")) return "-";
  const fl::Json& methods = r.detail["methods"];
  for (auto it = methods.begin(); it != methods.end(); ++it) out += (out.empty() ? "" : "+") + it.key();
  return out.empty() ? "-" : out;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::size_t> sizes{50000, 100000, 1000000};
  std::size_t search_max = 100000;
  double search_limit = 120;
  int procs = 5, info_percent = 0, overlap = 100;
  unsigned threads = 1;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--sizes") && i + 1 < argc) sizes = parse_sizes(argv[++i]);
    else if (!std::strcmp(argv[i], "--search-max") && i + 1 < argc) search_max = std::strtoul(argv[++i], nullptr, 10);
    else if (!std::strcmp(argv[i], "--search-limit") && i + 1 < argc) search_limit = std::atof(argv[++i]);
    else if (!std::strcmp(argv[i], "--procs") && i + 1 < argc) procs = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--info") && i + 1 < argc) info_percent = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--overlap") && i + 1 < argc) overlap = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--dump") && i + 1 < argc) {  // writes one generated valid short-queue history
      std::FILE* out = std::fopen(argv[++i], "w");
      std::int64_t index = 0;
      for (fl::Op op : generate(sizes.front(), procs, info_percent, overlap, true, 42 + sizes.front(), false)) {
        op.index = index++;
        std::fprintf(out, "%s\n", fl::to_json(op).dump().c_str());
      }
      std::fclose(out);
      return 0;
    }
    else if (!std::strcmp(argv[i], "--threads") && i + 1 < argc) threads = static_cast<unsigned>(std::atoi(argv[++i]));
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::printf("%9s %-5s %-9s %10s %26s %26s %8s\n", "ops", "queue", "history", "generate", "unique-value check",
              "search alone", "ratio");
  int wrong = 0;
  for (bool empties : {true, false})
  for (std::size_t n : sizes) {
    for (bool plant : {false, true}) {
      const auto t0 = Clock::now();
      bool planted = false;
      const fl::History h(generate(n, procs, info_percent, overlap, empties, 42 + n, plant, &planted),
                          plant ? "generated-violation" : "generated");
      if (plant && !planted) {
        std::printf("%9zu %-5s %-9s (no place to plant the violation found)\n", n, empties ? "short" : "long", "violation");
        continue;
      }
      const double gen = seconds_since(t0);
      const Timed fast = run(h, true, search_limit, threads);
      const fl::Validity expected = plant ? fl::Validity::Invalid : fl::Validity::Valid;
      if (fast.result.valid != expected) ++wrong;
      char fast_text[64], search_text[64] = "not run", ratio[32] = "-";
      std::string reason;
      std::snprintf(fast_text, sizeof fast_text, "%s %.3f s (%s)", std::string(fl::to_string(fast.result.valid)).c_str(),
                    fast.seconds, method_of(fast.result).c_str());
      if (h.pairs().size() <= search_max) {
        const Timed slow = run(h, false, search_limit, threads);
        if (slow.result.valid != fl::Validity::Unknown && slow.result.valid != expected) ++wrong;
        reason = slow.result.detail.value("reason", "");
        std::snprintf(search_text, sizeof search_text, "%s %.3f s", std::string(fl::to_string(slow.result.valid)).c_str(),
                      slow.seconds);
        if (slow.result.valid != fl::Validity::Unknown)
          std::snprintf(ratio, sizeof ratio, "%.0fx", slow.seconds / std::max(fast.seconds, 1e-9));
        else
          std::snprintf(ratio, sizeof ratio, ">%.0fx", slow.seconds / std::max(fast.seconds, 1e-9));
      }
      if (!reason.empty()) std::printf("  (search: %s)\n", reason.c_str());
      std::printf("%9zu %-5s %-9s %8.2f s %26s %26s %8s\n", h.pairs().size(), empties ? "short" : "long",
                  plant ? "violation" : "valid", gen,
                  fast_text, search_text, ratio);
      if (plant && n == sizes.front() && empties) std::printf("%s", fast.result.summary.c_str());
    }
  }
  std::printf("peak RSS %ld MB; wrong verdicts %d\n", peak_rss_mb(), wrong);
  return wrong == 0 ? 0 : 1;
}
