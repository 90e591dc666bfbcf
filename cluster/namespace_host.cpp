#include "cluster/namespace_host.h"

#include <filesystem>
#include <sstream>

#include <fmt/format.h>

#include "cluster/process.h"

namespace fl {

NamespaceHost::NamespaceHost(std::string name, std::string netns, std::string address)
    : name_(std::move(name)), netns_(std::move(netns)), address_(std::move(address)) {}

Argv NamespaceHost::in_namespace(const Argv& argv) const {
  Argv full = {"ip", "netns", "exec", netns_};
  full.insert(full.end(), argv.begin(), argv.end());
  return full;
}

RunResult NamespaceHost::run(const Argv& argv, const RunOptions& opts) {
  return run_process(in_namespace(argv), opts);
}

int NamespaceHost::spawn(const DaemonSpec& spec) {
  if (!spec.log_path.empty()) {
    std::error_code ec;
    auto parent = std::filesystem::path(spec.log_path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  }
  return spawn_daemon(in_namespace(spec.argv), spec.log_path.empty() ? "/dev/null" : spec.log_path, spec.env,
                      spec.cwd);
}

bool NamespaceHost::alive(int pid) { return process_alive(pid); }

void NamespaceHost::stop(int pid, std::chrono::milliseconds grace) { stop_process(pid, grace); }

void NamespaceHost::signal(int pid, int sig) { signal_process(pid, sig); }

void NamespaceHost::upload(const std::string& local_path, const std::string& host_path) {
  std::error_code ec;
  auto parent = std::filesystem::path(host_path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  std::filesystem::copy_file(local_path, host_path, std::filesystem::copy_options::overwrite_existing, ec);
  if (ec) throw ClusterError(fmt::format("cannot copy {} to {} on {}: {}", local_path, host_path, name_, ec.message()));
}

void NamespaceHost::download(const std::string& host_path, const std::string& local_path) {
  std::error_code ec;
  auto parent = std::filesystem::path(local_path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  std::filesystem::copy_file(host_path, local_path, std::filesystem::copy_options::overwrite_existing, ec);
  if (ec) throw ClusterError(fmt::format("cannot copy {} from {} to {}: {}", host_path, name_, local_path, ec.message()));
}

std::vector<int> NamespaceHost::pids() { return namespace_pids(netns_); }

std::vector<int> namespace_pids(const std::string& netns) {
  std::vector<int> pids;
  RunResult r = run_process({"ip", "netns", "pids", netns}, {std::chrono::seconds(10), {}, {}});
  if (!r.ok()) return pids;
  std::istringstream in(r.out);
  int pid;
  while (in >> pid) pids.push_back(pid);
  return pids;
}

}  // namespace fl
