// Figures for the checkers beyond linearizability: a 1,000,000-op list-append
// history (20 processes, 1,000 keys) under `session`, and a 100,000-op
// causally consistent register history under `causal` (CC, CM and CCv), both
// from the seeded simulators of tests/checkers/weak_sim.h. Prints the time to
// generate, the time to check, and peak RSS. Usage: bench_weak_checkers [scale]
// (scale multiplies both sizes; default 1).
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "checkers/registry.h"
#include "tests/checkers/weak_sim.h"

namespace {

double peak_rss_mb() {
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

double current_rss_mb() {
  std::ifstream in("/proc/self/statm");
  long pages = 0, resident = 0;
  in >> pages >> resident;
  return static_cast<double>(resident) * 4096.0 / (1024.0 * 1024.0);
}

template <class F>
double seconds(F f) {
  auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void check(const char* checker, const fl::History& h, double gen_s) {
  const fl::Checker* c = fl::find_checker(checker);
  fl::CheckResult r;
  double before = current_rss_mb();
  double s = seconds([&] { r = c->check(h, fl::CheckOptions{}); });
  std::printf("%-9s %9zu ops %9zu events  generate %6.2f s  check %6.2f s  verdict %-7s  rss before check %7.0f MB  peak rss %7.0f MB\n",
              checker, h.pairs().size(), h.size(), gen_s, s, std::string(fl::to_string(r.valid)).c_str(), before,
              peak_rss_mb());
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  double scale = argc > 1 ? std::atof(argv[1]) : 1.0;
  {
    fl::sim::SimOptions o;
    o.seed = 42;
    o.processes = 20;
    o.keys = 1000;
    o.ops = static_cast<int>(1000000 * scale);
    o.info_rate = 0.001;
    o.fail_rate = 0.001;
    fl::History h;
    double g = seconds([&] { h = fl::sim::sc_list_append(o); });
    check("session", h, g);
  }
  {
    fl::sim::SimOptions o;
    o.seed = 7;
    o.processes = 20;
    o.replicas = 5;
    o.keys = 100;
    o.ops = static_cast<int>(100000 * scale);
    o.info_rate = 0.0;
    o.fail_rate = 0.001;
    fl::History h;
    double g = seconds([&] { h = fl::sim::causal_registers(o); });
    check("causal", h, g);
    check("causal-consistency", h, 0);
    check("causal-convergence", h, 0);
    check("causal-memory", h, 0);
    check("session", h, 0);
  }
  return 0;
}
