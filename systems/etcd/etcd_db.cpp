#include "systems/etcd/etcd_db.h"

#include <random>
#include <thread>

#include <fmt/format.h>

#include "cluster/parallel.h"
#include "cluster/process.h"
#include "systems/etcd/etcd_client.h"

namespace fl {

std::string EtcdDb::client_url(const Host& host) const {
  return fmt::format("http://{}:{}", host.address(), opts_.client_port);
}
std::string EtcdDb::data_dir(const Host& host) const { return opts_.data_root + "/" + host.name(); }
std::string EtcdDb::log_path(const Host& host) const { return opts_.data_root + "/" + host.name() + ".log"; }

Argv EtcdDb::argv_for(const Host& host) const {
  std::string peer = fmt::format("http://{}:{}", host.address(), opts_.peer_port);
  std::string client = client_url(host);
  return {opts_.binary,
          "--name", host.name(),
          "--data-dir", data_dir(host),
          "--listen-client-urls", client,
          "--advertise-client-urls", client,
          "--listen-peer-urls", peer,
          "--initial-advertise-peer-urls", peer,
          "--initial-cluster", initial_cluster_,
          "--initial-cluster-state", "new",
          "--initial-cluster-token", token_,
          "--logger", "zap",
          "--log-outputs", "stderr"};
}

void EtcdDb::setup(const std::vector<Host*>& hosts) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    initial_cluster_.clear();
    for (const Host* h : hosts)
      initial_cluster_ += fmt::format("{}{}=http://{}:{}", initial_cluster_.empty() ? "" : ",", h->name(),
                                      h->address(), opts_.peer_port);
    // A fresh token per run, so members of an earlier run never join this one.
    token_ = fmt::format("fl-{:x}", std::random_device{}());
  }
  for (Host* h : hosts) {
    h->run_checked({"rm", "-rf", data_dir(*h), log_path(*h), data_dir(*h) + ".backing", data_dir(*h) + ".diskfs.log"});
    h->run_checked({"mkdir", "-p", opts_.data_root});
    if (data_mount_) {
      // etcd wants its data directory private (0700) and takes an empty one as new.
      h->run_checked({"mkdir", "-m", "700", data_dir(*h)});
      data_mount_->mount(*h, data_dir(*h));
    }
    start(*h);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(opts_.healthy_within_s);
  for (Host* h : hosts) {
    while (!etcd_healthy(client_url(*h), 1.0)) {
      if (pids(*h).empty())
        throw SystemFailure(fmt::format("etcd on {} exited during startup; see {}", h->name(), log_path(*h)));
      if (std::chrono::steady_clock::now() > deadline)
        throw SystemFailure(fmt::format("etcd on {} was not healthy within {:g} s; see {}", h->name(),
                                       opts_.healthy_within_s, log_path(*h)));
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

void EtcdDb::teardown(const std::vector<Host*>& hosts) noexcept {
  try {
    on_each_host(hosts, [&](Host& h) {
      daemons_.stop(h, std::chrono::seconds(2));
      if (data_mount_) data_mount_->unmount(h, data_dir(h));
      h.run({"rm", "-rf", data_dir(h)});
    });
  } catch (...) {
    // Teardown must not throw; `faultline cluster down` removes what is left.
  }
}

void EtcdDb::start(Host& host) {
  DaemonSpec spec;
  spec.name = "etcd";
  spec.argv = argv_for(host);
  spec.log_path = log_path(host);
  daemons_.spawn(host, spec);
}

void EtcdDb::kill(Host& host) { daemons_.kill(host); }
void EtcdDb::pause(Host& host) { daemons_.pause(host); }
void EtcdDb::resume(Host& host) { daemons_.resume(host); }
std::vector<int> EtcdDb::pids(Host& host) { return daemons_.pids(host); }

std::vector<std::string> EtcdDb::log_files(Host& host) {
  std::vector<std::string> files = {log_path(host)};
  if (data_mount_) files.push_back(data_dir(host) + ".diskfs.log");
  return files;
}

std::string EtcdDb::unavailable() const {
  if (find_program(opts_.binary).empty())
    return fmt::format("etcd is not installed ({} is missing); install etcd-server (scripts/setup), or name another "
                       "binary with --opt binary=PATH",
                       opts_.binary);
  return "";
}

}  // namespace fl
