#include "systems/redis/redis_db.h"

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <functional>
#include <thread>

#include <fmt/format.h>

#include "systems/redis/redis_conn.h"

namespace fl {
namespace {

using Clock = std::chrono::steady_clock;

std::string field(const std::vector<std::pair<std::string, std::string>>& fields, const std::string& name) {
  for (const auto& [k, v] : fields)
    if (k == name) return v;
  return "";
}

// Waits until `ready` is true, sleeping between tries; throws with `what` at the deadline.
void wait_until(Clock::time_point deadline, const std::function<bool()>& ready, const std::function<std::string()>& what) {
  while (!ready()) {
    if (Clock::now() > deadline) throw SystemFailure(what());
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace

std::string RedisDb::data_dir(const Host& host) const { return opts_.data_root + "/" + host.name(); }
std::string RedisDb::log_path(const Host& host, const char* what) const {
  return fmt::format("{}/{}.{}.log", opts_.data_root, host.name(), what);
}

int RedisDb::start_server(Host& host, const std::string& replica_of) {
  DaemonSpec spec;
  spec.name = "redis-server";
  spec.argv = {opts_.server,     "--port",       std::to_string(opts_.port),
               "--bind",         host.address(), "--dir",
               data_dir(host),   "--save",       "",
               "--appendonly",   "yes",          "--appendfsync",
               opts_.appendfsync, "--protected-mode",
               "no",             "--daemonize",  "no",
               "--logfile",      ""};
  if (!replica_of.empty()) spec.argv.insert(spec.argv.end(), {"--replicaof", replica_of, std::to_string(opts_.port)});
  spec.log_path = log_path(host, "redis");
  int pid = host.spawn(spec);
  std::lock_guard<std::mutex> lock(mu_);
  server_pids_[host.name()] = pid;
  return pid;
}

void RedisDb::start_sentinel(Host& host, const std::string& primary) {
  int quorum = static_cast<int>(hosts_.size()) / 2 + 1;
  std::string conf = fmt::format(
      "port {port}\nbind {addr}\ndaemonize no\nprotected-mode no\ndir {dir}\nlogfile \"\"\n"
      "sentinel monitor {name} {primary} {rport} {quorum}\n"
      "sentinel down-after-milliseconds {name} {down}\n"
      "sentinel failover-timeout {name} {failover}\n"
      "sentinel parallel-syncs {name} 1\n",
      fmt::arg("port", opts_.sentinel_port), fmt::arg("addr", host.address()), fmt::arg("dir", data_dir(host)),
      fmt::arg("name", opts_.master_name), fmt::arg("primary", primary), fmt::arg("rport", opts_.port),
      fmt::arg("quorum", quorum), fmt::arg("down", opts_.down_after_ms), fmt::arg("failover", opts_.failover_timeout_ms));
  char tmpl[] = "/tmp/fl-sentinel-XXXXXX";
  int fd = mkstemp(tmpl);
  if (fd < 0) throw ClusterError("cannot write a temporary Sentinel config");
  ::close(fd);
  std::ofstream(tmpl) << conf;
  std::string remote = data_dir(host) + "/sentinel.conf";
  try {
    host.upload(tmpl, remote);
  } catch (...) {
    std::remove(tmpl);
    throw;
  }
  std::remove(tmpl);
  DaemonSpec spec;
  spec.name = "redis-sentinel";
  spec.argv = {opts_.sentinel, remote};
  spec.log_path = log_path(host, "sentinel");
  int pid = host.spawn(spec);
  std::lock_guard<std::mutex> lock(mu_);
  sentinel_pids_[host.name()] = pid;
}

void RedisDb::setup(const std::vector<Host*>& hosts) {
  if (hosts.empty()) throw ClusterError("redis needs at least one node");
  {
    std::lock_guard<std::mutex> lock(mu_);
    hosts_ = hosts;
    primary_ = hosts.front()->address();
  }
  for (Host* h : hosts) {
    h->run_checked({"rm", "-rf", data_dir(*h), log_path(*h, "redis"), log_path(*h, "sentinel"),
                    data_dir(*h) + ".backing", data_dir(*h) + ".diskfs.log"});
    h->run_checked({"mkdir", "-p", data_dir(*h)});
    if (data_mount_) data_mount_->mount(*h, data_dir(*h));
  }
  for (Host* h : hosts) start_server(*h, h == hosts.front() ? "" : primary_);
  auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                     std::chrono::duration<double>(opts_.healthy_within_s));
  auto late = [&](const std::string& what, Host& h, const char* log) {
    return [&, what, log] {
      return fmt::format("redis on {}: {} within {:g} s; see {}", h.name(), what, opts_.healthy_within_s,
                         log_path(h, log));
    };
  };
  for (Host* h : hosts) {
    wait_until(deadline, [&] {
      if (pids(*h).empty()) throw SystemFailure(fmt::format("redis-server on {} exited during startup; see {}", h->name(),
                                                           log_path(*h, "redis")));
      return redis_once(h->address(), opts_.port, {"PING"}, 1.0).str == "PONG";
    }, late("did not answer PING", *h, "redis"));
  }
  // Every replica attached and in sync before Sentinel starts watching.
  Host& first = *hosts.front();
  wait_until(deadline, [&] {
    auto info = redis_info_fields(redis_once(first.address(), opts_.port, {"INFO", "replication"}, 1.0));
    int online = 0;
    for (const auto& [k, v] : info)
      if (k.rfind("slave", 0) == 0 && v.find("state=online") != std::string::npos) ++online;
    return online == static_cast<int>(hosts.size()) - 1;
  }, late("the replicas did not all attach", first, "redis"));
  for (Host* h : hosts) start_sentinel(*h, primary_);
  // Every Sentinel sees the primary, its replicas and the other Sentinels.
  for (Host* h : hosts) {
    wait_until(deadline, [&] {
      auto m = redis_info_fields(redis_once(h->address(), opts_.sentinel_port, {"SENTINEL", "MASTER", opts_.master_name}, 1.0));
      return field(m, "flags") == "master" && field(m, "num-slaves") == std::to_string(hosts.size() - 1) &&
             field(m, "num-other-sentinels") == std::to_string(hosts.size() - 1);
    }, late("Sentinel did not see every replica and Sentinel", *h, "sentinel"));
  }
}

void RedisDb::teardown(const std::vector<Host*>& hosts) noexcept {
  auto take = [&](std::map<std::string, int>& pids, const Host& h) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = pids.find(h.name());
    int pid = it == pids.end() ? -1 : it->second;
    if (it != pids.end()) pids.erase(it);
    return pid;
  };
  // Sentinels first, so none reconfigures a server while they stop.
  for (auto* pids : {&sentinel_pids_, &server_pids_})
    for (Host* h : hosts) {
      try {
        int pid = take(*pids, *h);
        if (pid > 0) h->stop(pid, std::chrono::seconds(2));
      } catch (...) {
        // Teardown must not throw; `faultline cluster down` / `heal --ssh` remove what is left.
      }
    }
  if (data_mount_)
    for (Host* h : hosts) data_mount_->unmount(*h, data_dir(*h));
  for (Host* h : hosts) {
    try {
      h->run({"rm", "-rf", data_dir(*h)});
    } catch (...) {
    }
  }
}

void RedisDb::start(Host& host) {
  std::string primary;
  std::vector<Host*> hosts;
  {
    std::lock_guard<std::mutex> lock(mu_);
    hosts = hosts_;
  }
  // Ask this node's Sentinel first, then the others.
  std::vector<Host*> order = {&host};
  for (Host* h : hosts)
    if (h != &host) order.push_back(h);
  for (Host* h : order) {
    RedisReply r = redis_once(h->address(), opts_.sentinel_port,
                              {"SENTINEL", "GET-MASTER-ADDR-BY-NAME", opts_.master_name}, 1.0);
    if (r.kind == RedisReply::Kind::kArray && !r.elements.empty()) {
      primary = r.elements[0].str;
      break;
    }
  }
  start_server(host, primary == host.address() ? "" : primary);
}

void RedisDb::kill(Host& host) {
  for (int pid : pids(host)) host.kill(pid);
}
void RedisDb::pause(Host& host) {
  const std::vector<int> stopped = pids(host);
  for (int pid : stopped) host.signal(pid, SIGSTOP);
  host.await_stopped(stopped);
}
void RedisDb::resume(Host& host) {
  for (int pid : pids(host)) host.signal(pid, SIGCONT);
}

std::vector<int> RedisDb::pids(Host& host) {
  int pid = -1;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = server_pids_.find(host.name());
    if (it != server_pids_.end()) pid = it->second;
  }
  if (pid > 0 && host.alive(pid)) return {pid};
  return {};
}

std::vector<std::string> RedisDb::primaries(const std::vector<Host*>& hosts) {
  std::vector<std::string> names;
  for (Host* h : hosts)
    if (field(redis_info_fields(redis_once(h->address(), opts_.port, {"INFO", "replication"}, 1.0)), "role") == "master")
      names.push_back(h->name());
  return names;
}

std::vector<std::string> RedisDb::log_files(Host& host) {
  std::vector<std::string> files = {log_path(host, "redis"), log_path(host, "sentinel")};
  if (data_mount_) files.push_back(data_dir(host) + ".diskfs.log");
  return files;
}

}  // namespace fl
