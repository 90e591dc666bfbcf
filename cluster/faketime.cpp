#include "cluster/faketime.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include <fmt/format.h>

#include "cluster/journal.h"

namespace fl {

std::string clock_dir() { return journal::dir() + "/clock"; }

std::string clock_file(const Host& host) { return clock_dir() + "/fl-" + host.name(); }

Env faketime_env(const Host& host) {
  std::string file = clock_file(host);
  if (!std::filesystem::exists(file)) write_clock_offset(host, 0);
  return {{"LD_PRELOAD", kLibfaketimePath}, {"FAKETIME_TIMESTAMP_FILE", file}, {"FAKETIME_NO_CACHE", "1"}};
}

void write_clock_offset(const Host& host, double seconds) {
  std::filesystem::create_directories(clock_dir());
  std::string file = clock_file(host);
  std::string tmp = fmt::format("{}.tmp.{}", file, getpid());
  {
    std::ofstream f(tmp, std::ios::trunc);
    // libfaketime's relative format: "+5", "-2.5" (seconds).
    f << fmt::format("{}{}\n", seconds < 0 ? "-" : "+", std::fabs(seconds)) ;
    if (!f) throw ClusterError(fmt::format("cannot write the clock file {}", tmp));
  }
  if (std::rename(tmp.c_str(), file.c_str()) != 0)
    throw ClusterError(fmt::format("cannot write the clock file {}: {}", file, std::strerror(errno)));
}

double read_clock_offset(const Host& host) {
  std::ifstream f(clock_file(host));
  double v = 0;
  if (f >> v) return v;
  return 0;
}

}  // namespace fl
