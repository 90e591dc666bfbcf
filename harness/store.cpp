#include "harness/store.h"

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <system_error>

#include <sys/statvfs.h>

#include <fmt/format.h>

namespace fl {

namespace fs = std::filesystem;

std::string store_stamp(std::time_t now) {
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%S", &tm);
  return buf;
}

RunStore RunStore::create(const std::string& root, const std::string& test_name, std::time_t now) {
  if (test_name.empty() || test_name.find('/') != std::string::npos || test_name == "." || test_name == ".." ||
      test_name == "latest")
    throw std::runtime_error(fmt::format("\"{}\" cannot name a test in the store", test_name));
  std::string stamp = store_stamp(now);
  fs::path test_dir = fs::path(root) / test_name;
  std::error_code ec;
  fs::create_directories(test_dir, ec);
  if (ec) throw std::runtime_error(fmt::format("cannot create {}: {}", test_dir.string(), ec.message()));
  // create_directory is atomic: whoever creates the folder owns it.
  std::string name = stamp;
  for (int n = 2; !fs::create_directory(test_dir / name, ec); ++n) {
    if (ec) throw std::runtime_error(fmt::format("cannot create {}: {}", (test_dir / name).string(), ec.message()));
    name = fmt::format("{}-{}", stamp, n);
  }
  fs::create_directories(test_dir / name / "nodes", ec);
  if (ec) throw std::runtime_error(fmt::format("cannot create {}/nodes: {}", (test_dir / name).string(), ec.message()));
  // history.jsonl exists before anything else of the run (its log, test.json),
  // so a run killed at any later moment leaves a history `faultline check` can
  // judge, if only an empty one.
  if (!std::ofstream((test_dir / name / "history.jsonl").string(), std::ios::app))
    throw std::runtime_error(fmt::format("cannot create {}/history.jsonl", (test_dir / name).string()));

  // Repoint latest atomically: a fresh symlink renamed over the old one.
  fs::path latest = fs::path(root) / "latest";
  fs::path tmp = fs::path(root) / fmt::format(".latest-{}", name);
  fs::remove(tmp, ec);
  fs::create_directory_symlink(fs::path(test_name) / name, tmp, ec);
  if (!ec) fs::rename(tmp, latest, ec);
  if (ec) {
    fs::remove(tmp, ec);
    // A missing latest link is worth no failed run.
  }
  return RunStore((test_dir / name).string());
}

std::string RunStore::node_dir(const std::string& node) const {
  fs::path p = fs::path(dir_) / "nodes" / node;
  std::error_code ec;
  fs::create_directories(p, ec);
  if (ec) throw std::runtime_error(fmt::format("cannot create {}: {}", p.string(), ec.message()));
  return p.string();
}

std::int64_t RunStore::free_bytes() const {
  struct statvfs st {};
  if (::statvfs(dir_.c_str(), &st) != 0) return -1;
  return static_cast<std::int64_t>(st.f_bavail) * static_cast<std::int64_t>(st.f_frsize);
}

}  // namespace fl
