// Benchmark of the linearizability checker (not a test): the 103 etcd
// histories and the 6 kv histories of the corpus checked in-process (parsing
// excluded), each file timed alone (best of a few runs), and two generated
// 1,000,000-op cas-register histories (50 processes, 1% info ops): one
// linearizable by construction and one with a stale read injected. Prints
// times, the verdicts and the peak RSS.
//   bench_linearizability [--threads N] [--repeat R] [--ops N] [--skip-big]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <sys/resource.h>

#include "checkers/registry.h"
#include "history/format.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

long peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

struct Entry {
  std::string path, format, model, init, expected;
};

std::vector<Entry> corpus() {
  std::ifstream in(std::string(FL_CORPUS_DIR) + "/expected.tsv");
  std::vector<Entry> out;
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::istringstream f(line);
    Entry e;
    std::getline(f, e.path, '\t');
    std::getline(f, e.format, '\t');
    std::getline(f, e.model, '\t');
    std::getline(f, e.init, '\t');
    std::getline(f, e.expected, '\t');
    if (e.path.rfind("porcupine/", 0) == 0) out.push_back(e);
  }
  return out;
}

// A cas-register run simulated op by op: each of `procs` processes invokes,
// the op takes effect at a random later moment (its linearization point) and
// completes after it, so the history is linearizable by construction. Values
// written are unique; 1% of ops end as info (half of those took effect).
std::vector<fl::Op> generate(std::size_t n_ops, int procs, std::uint64_t seed, bool stale_read) {
  std::mt19937_64 rng(seed);
  struct Pending {
    fl::Op inv;
    int phase = 0;
    bool info = false, effect = true;
    fl::Json result;
    std::int64_t before = -1, stale = -1;
  };
  std::vector<Pending> slot(static_cast<std::size_t>(procs));
  std::vector<std::int64_t> pid(static_cast<std::size_t>(procs));
  for (int p = 0; p < procs; ++p) pid[static_cast<std::size_t>(p)] = p;
  std::int64_t next_pid = procs, next_value = 1, reg = 0, last_replaced = -1, last_done = 0;
  std::vector<fl::Op> ops;
  ops.reserve(2 * n_ops);
  std::size_t invoked = 0;
  bool injected = !stale_read;
  while (invoked < n_ops || std::any_of(slot.begin(), slot.end(), [](const Pending& s) { return s.phase > 0; })) {
    const auto p = static_cast<std::size_t>(rng() % static_cast<std::uint64_t>(procs));
    Pending& s = slot[p];
    if (s.phase == 0) {
      if (invoked >= n_ops) continue;
      ++invoked;
      fl::Op op;
      op.process = pid[p];
      op.type = fl::OpType::Invoke;
      const auto roll = rng() % 100;
      if (roll < 50) { op.f = "read"; }
      else if (roll < 80) { op.f = "write"; op.value = next_value++; }
      else { op.f = "cas"; op.value = fl::Json::array({reg, next_value++}); }
      s = Pending{op, 1, rng() % 100 == 0, true, fl::Json(), last_done, last_replaced};
      if (s.info) s.effect = rng() % 2 == 0;
      ops.push_back(op);
    } else if (s.phase == 1) {  // the linearization point
      s.phase = 2;
      if (!s.effect) continue;
      if (s.inv.f == "read") {
        s.result = reg;
        if (!injected && invoked > n_ops / 2 && s.stale >= 0 && s.stale != reg && !s.info) {
          s.result = s.stale;  // stale: overwritten by a write that completed before this read began
          injected = true;
        }
      } else if (s.inv.f == "write") {
        reg = s.inv.value.get<std::int64_t>();
      } else {
        if (s.inv.value[0].get<std::int64_t>() == reg) reg = s.inv.value[1].get<std::int64_t>();
        else s.info = false, s.effect = false;  // the compare failed: it completes as fail
      }
    } else {
      fl::Op done = s.inv;
      done.type = s.info ? fl::OpType::Info : (!s.effect && s.inv.f == "cas") ? fl::OpType::Fail : fl::OpType::Ok;
      if (s.inv.f == "read") done.value = s.result;
      ops.push_back(done);
      if (s.info) pid[p] = next_pid++;
      if (s.inv.f != "read" && s.effect && !s.info) {
        // The value of a write that completed before this one was invoked is
        // surely overwritten for any read invoked from now on.
        last_replaced = s.before;
        last_done = s.inv.f == "write" ? s.inv.value.get<std::int64_t>() : s.inv.value[1].get<std::int64_t>();
      }
      s.phase = 0;
    }
  }
  return ops;
}

}  // namespace

int main(int argc, char** argv) {
  unsigned threads = 0;
  int repeat = 3;
  std::size_t big_ops = 1000000;
  bool big = true;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--threads") && i + 1 < argc) threads = static_cast<unsigned>(std::atoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--repeat") && i + 1 < argc) repeat = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--ops") && i + 1 < argc) big_ops = std::strtoul(argv[++i], nullptr, 10);
    else if (!std::strcmp(argv[i], "--skip-big")) big = false;
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const fl::Checker* checker = fl::find_checker("linearizable");
  double etcd_total = 0, kv_total = 0, etcd_worst = 0;
  std::string worst_name;
  int wrong = 0;
  std::printf("%-28s %7s %9s %8s %s\n", "file", "ops", "ms", "verdict", "expected");
  for (const Entry& e : corpus()) {
    const fl::History h = fl::read_history(std::string(FL_CORPUS_DIR) + "/" + e.path, *fl::parse_format(e.format));
    fl::CheckOptions opts;
    opts.model = e.model;
    if (e.init != "-") opts.init = fl::Json::parse(e.init);
    opts.threads = threads;
    opts.time_limit_s = 60;
    double best = 1e9;
    fl::Validity v = fl::Validity::Unknown;
    for (int r = 0; r < repeat; ++r) {
      const auto t = Clock::now();
      v = checker->check(h, opts).valid;
      best = std::min(best, seconds_since(t));
    }
    const bool is_kv = e.path.find("/kv/") != std::string::npos;
    (is_kv ? kv_total : etcd_total) += best;
    if (!is_kv && best > etcd_worst) etcd_worst = best, worst_name = e.path;
    if (std::string(fl::to_string(v)) != e.expected) ++wrong;
    std::printf("%-28s %7zu %9.3f %8s %s\n", e.path.substr(e.path.rfind('/') + 1).c_str(), h.pairs().size(),
                best * 1000, std::string(fl::to_string(v)).c_str(), e.expected.c_str());
  }
  std::printf("\netcd total %.1f ms (worst %s %.2f ms); kv total %.1f ms; wrong verdicts %d\n",
              etcd_total * 1000, worst_name.c_str(), etcd_worst * 1000, kv_total * 1000, wrong);
  if (big) {
    for (bool stale : {false, true}) {
      const auto t0 = Clock::now();
      fl::History h(generate(big_ops, 50, 42, stale), stale ? "generated-stale" : "generated");
      const double gen = seconds_since(t0);
      fl::CheckOptions opts;
      opts.model = "cas-register";
      opts.init = 0;
      opts.threads = threads;
      opts.time_limit_s = 120;
      const auto t = Clock::now();
      const fl::CheckResult r = checker->check(h, opts);
      std::printf("generated %zu-op cas-register history%s: %s in %.3f s (generation %.2f s), "
                  "%lld configurations, peak RSS %ld MB\n",
                  h.pairs().size(), stale ? " with a stale read" : "", std::string(fl::to_string(r.valid)).c_str(),
                  seconds_since(t), gen, static_cast<long long>(r.detail.value("configurations", 0LL)),
                  peak_rss_mb());
      if (stale) std::printf("%s", r.summary.c_str());
    }
  }
  return wrong == 0 ? 0 : 1;
}
