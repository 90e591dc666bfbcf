#include "cluster/local_host.h"

#include <filesystem>

#include <fmt/format.h>

#include "cluster/process.h"

namespace fl {

namespace {

void copy(const std::string& from, const std::string& to, const std::string& what) {
  std::error_code ec;
  auto parent = std::filesystem::path(to).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing, ec);
  if (ec) throw ClusterError(fmt::format("cannot copy {} to {} ({}): {}", from, to, what, ec.message()));
}

}  // namespace

LocalHost::LocalHost(std::string name, std::string address) : name_(std::move(name)), address_(std::move(address)) {}

RunResult LocalHost::run(const Argv& argv, const RunOptions& opts) { return run_process(argv, opts); }

int LocalHost::spawn(const DaemonSpec& spec) {
  if (!spec.log_path.empty()) {
    std::error_code ec;
    auto parent = std::filesystem::path(spec.log_path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  }
  return spawn_daemon(spec.argv, spec.log_path.empty() ? "/dev/null" : spec.log_path, spec.env, spec.cwd);
}

bool LocalHost::alive(int pid) { return process_alive(pid); }

void LocalHost::stop(int pid, std::chrono::milliseconds grace) { stop_process(pid, grace); }

void LocalHost::signal(int pid, int sig) { signal_process(pid, sig); }

void LocalHost::upload(const std::string& local_path, const std::string& host_path) {
  copy(local_path, host_path, "upload to " + name_);
}

void LocalHost::download(const std::string& host_path, const std::string& local_path) {
  copy(host_path, local_path, "download from " + name_);
}

}  // namespace fl
