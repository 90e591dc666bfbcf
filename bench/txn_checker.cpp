// Figures for txn-list-append (Elle's list-append analysis): simulated
// strictly serializable histories of N transactions (~4 micro-ops each, 10
// processes, keys rotating after 32 appends; tests/checkers/txn_sim.h),
// checked against strict serializability (real-time order included). For
// each size it prints the time to generate, to write and re-read the JSONL
// file (the reader is the baseline the checker is compared with, measured in
// the same run), to check, the rate, and resident memory, and the time to
// stream the same file into the checker and check it ("stream s": what
// `faultline check` does; its whole-process memory: scripts/txn-check-memory).
// Then the largest
// size again with one planted anomaly of every class, and which were found.
// Usage: bench_txn_checker [max_txns=1000000] [dir for the JSONL=/tmp]
//        bench_txn_checker --write N FILE [--plants]   (only writes the JSONL
//        history, for timing `faultline check` on it as a whole process)
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "checkers/registry.h"
#include "checkers/txn/checks.h"
#include "checkers/txn/stream.h"
#include "history/format.h"
#include "history/jsonl.h"
#include "tests/checkers/txn_sim.h"

namespace {

double peak_rss_mb() {
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

// Resets the kernel's peak-RSS mark (VmHWM) to the current RSS, so the peak
// of the check alone can be read afterwards.
void reset_peak() { std::ofstream("/proc/self/clear_refs") << "5"; }

double status_mb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field, 0) == 0) return std::atof(line.c_str() + std::strlen(field)) / 1024.0;
  return 0;
}

double current_rss_mb() {
  std::ifstream in("/proc/self/statm");
  long pages = 0, resident = 0;
  in >> pages >> resident;
  return static_cast<double>(resident) * 4096.0 / (1024.0 * 1024.0);
}

double cpu_seconds() {
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// CPU seconds (user + system) of f: on a shared machine wall-clock time
// measures the neighbours as much as the code; the checker is single-threaded.
template <class F>
double seconds(F f) {
  double t0 = cpu_seconds();
  f();
  return cpu_seconds() - t0;
}

template <class F>
double wall_seconds(F f) {
  auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

fl::CheckResult check(const fl::History& h, double& s, double& wall) {
  const fl::Checker* c = fl::find_checker("txn-list-append");
  fl::CheckResult r;
  wall = wall_seconds([&] { s = seconds([&] { r = c->check(h, fl::CheckOptions{}); }); });
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 4 && std::strcmp(argv[1], "--write") == 0) {
    fl::sim::TxnSimOptions o;
    o.seed = 42;
    o.txns = std::atoll(argv[2]);
    if (argc > 4 && std::strcmp(argv[4], "--plants") == 0) {
      o.seed = 43;
      o.plants = fl::sim::all_plants();
    }
    // Streamed op by op: a history of tens of millions of transactions is
    // written without being held.
    std::ofstream out(argv[3]);
    std::string line;
    fl::sim::simulate_list_append(o, [&](const fl::Op& op) {
      line.clear();
      fl::append_jsonl_line(line, op);
      out << line;
    });
    return out ? 0 : 1;
  }
  std::int64_t max_txns = argc > 1 ? std::atoll(argv[1]) : 1000000;
  std::string dir = argc > 2 ? argv[2] : "/tmp";
  std::printf("CPU seconds (user+system); wall-clock for the check in brackets (the machine is shared).\n"
              "hist MB: resident memory with the history read; +check MB: the check's own peak above it.\n");
  std::printf("%10s %8s %8s %8s %8s %8s %12s %9s %9s %9s %9s  %s\n", "txns", "gen s", "write s", "read s", "check s",
              "[wall]", "txns/s", "hist MB", "+check MB", "peak MB", "stream s", "verdict");
  for (std::int64_t n = 100000; n <= max_txns; n *= 10) {
    fl::sim::TxnSimOptions o;
    o.seed = 42;
    o.txns = n;
    double gen = 0, write = 0, read = 0, chk = 0, wall = 0, before = 0, after = 0;
    std::string path = dir + "/fl-bench-txn-" + std::to_string(n) + ".jsonl";
    {
      fl::History h;
      gen = seconds([&] { h = fl::sim::simulate_list_append(o); });
      write = seconds([&] {
        std::ofstream out(path);
        fl::write_jsonl(out, h);
      });
    }
    double stream = seconds([&] {
      fl::txn::StreamedTxns s = fl::txn::stream_txns(path, fl::Format::Jsonl, fl::txn::ReadShape::List);
      fl::txn::check_txns(fl::txn::ReadShape::List, s.txns, fl::CheckOptions{});
    });
    fl::History h;
    read = seconds([&] { h = fl::read_history(path, fl::Format::Jsonl); });
    std::remove(path.c_str());
    before = current_rss_mb();
    reset_peak();
    fl::CheckResult r = check(h, chk, wall);
    after = status_mb("VmHWM:");
    std::printf("%10lld %8.2f %8.2f %8.2f %8.2f %8.2f %12.0f %9.0f %9.0f %9.0f %9.2f  %s (%s edges, check/read %.2f)\n",
                static_cast<long long>(n), gen, write, read, chk, wall, n / chk, before, after - before, peak_rss_mb(), stream,
                std::string(fl::to_string(r.valid)).c_str(), r.detail["edges"].dump().c_str(), chk / read);
    std::fflush(stdout);
  }
  {
    fl::sim::TxnSimOptions o;
    o.seed = 43;
    o.txns = max_txns;
    o.plants = fl::sim::all_plants();
    fl::History h = fl::sim::simulate_list_append(o);
    double chk = 0, wall = 0;
    fl::CheckResult r = check(h, chk, wall);
    std::printf("\n%lld txns with one planted anomaly of each of %zu classes: checked in %.2f s, %s, anomaly types %s\n",
                static_cast<long long>(o.txns), o.plants.size(), chk, std::string(fl::to_string(r.valid)).c_str(),
                r.detail["anomaly-types"].dump().c_str());
    int missing = 0;
    for (fl::sim::Plant p : o.plants) {
      bool found = false;
      for (const auto& t : r.detail["anomaly-types"]) found |= t == fl::sim::plant_anomaly(p);
      if (!found) {
        std::printf("  MISSING: %s\n", fl::sim::plant_anomaly(p));
        ++missing;
      }
    }
    std::printf("  planted classes found: %zu of %zu\n", o.plants.size() - missing, o.plants.size());
  }
  std::printf("peak rss %.0f MB\n", peak_rss_mb());
  return 0;
}
