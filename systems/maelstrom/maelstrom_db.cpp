#include "systems/maelstrom/maelstrom_db.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cluster/local_host.h"
#include "cluster/parallel.h"
#include "systems/maelstrom/maelstrom_conn.h"
#include "systems/maelstrom/router_counts.h"

namespace fl {

namespace {

// The address this machine sends from to reach `node` (no packet is sent:
// connecting a UDP socket only picks the route).
std::string local_address_towards(const std::string& node, int port) {
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::inet_pton(AF_INET, node.c_str(), &to.sin_addr) != 1)
    throw ClusterError(fmt::format("the node address {} is not an IPv4 address", node));
  int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) throw ClusterError(fmt::format("socket: {}", std::strerror(errno)));
  sockaddr_in from{};
  socklen_t len = sizeof from;
  bool ok = ::connect(s, reinterpret_cast<const sockaddr*>(&to), sizeof to) == 0 &&
            ::getsockname(s, reinterpret_cast<sockaddr*>(&from), &len) == 0;
  const int err = errno;
  ::close(s);
  if (!ok) throw ClusterError(fmt::format("no route from this machine to the node at {}: {}", node, std::strerror(err)));
  char text[INET_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET, &from.sin_addr, text, sizeof text);
  return text;
}

}  // namespace

Json MaelstromDb::service_health(double timeout_s) const {
  if (!service_host_) return nullptr;
  try {
    MaelstromConn conn("fl-health", "fl-mservice", service_host_->address(), opts_.service_port);
    std::optional<Json> b = conn.call({{"type", "health"}}, timeout_s);
    if (b && b->value("type", "") == "health_ok") return *b;
  } catch (const ClusterError&) {
  }
  return nullptr;
}

void MaelstromDb::start_service(const std::vector<Host*>& hosts) {
  const std::string address = local_address_towards(hosts.front()->address(), opts_.service_port);
  service_host_ = std::make_unique<LocalHost>("mservice", address);
  service_host_->run_checked({"mkdir", "-p", opts_.data_root});
  service_host_->run_checked({"rm", "-f", service_log()});
  DaemonSpec spec;
  spec.name = "fl-mservice";
  spec.argv = {opts_.service, "--listen", fmt::format("{}:{}", address, opts_.service_port), "--watch-pid",
               std::to_string(::getpid())};
  spec.log_path = service_log();
  service_daemon_.spawn(*service_host_, spec);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(opts_.healthy_within_s);
  while (!service_health(0.2).is_object()) {
    if (service_daemon_.pids(*service_host_).empty())
      throw SystemFailure(fmt::format("fl-mservice exited during startup; see its log {}", service_log()));
    if (std::chrono::steady_clock::now() > deadline)
      throw SystemFailure(fmt::format("fl-mservice did not answer within {:g} s; see its log {}",
                                      opts_.healthy_within_s, service_log()));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::lock_guard<std::mutex> lock(mu_);
  service_addr_ = fmt::format("{}:{}", address, opts_.service_port);
}

Json MaelstromDb::health(const Host& host, double timeout_s) const {
  try {
    MaelstromConn conn("fl-health", "fl-mrouter", host.address(), opts_.port);
    std::optional<Json> b = conn.call({{"type", "health"}}, timeout_s);
    if (b && b->value("type", "") == "health_ok") return *b;
  } catch (const ClusterError&) {
  }
  return nullptr;
}

void MaelstromDb::setup(const std::vector<Host*>& hosts) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    peers_.clear();
    for (const Host* h : hosts) peers_ += fmt::format("{}{}={}:{}", peers_.empty() ? "" : ",", h->name(), h->address(), opts_.port);
    service_addr_.clear();
  }
  if (!opts_.service.empty() && !hosts.empty()) start_service(hosts);
  for (Host* h : hosts) {
    h->run_checked({"rm", "-rf", dir(*h), log_path(*h)});
    h->run_checked({"mkdir", "-p", dir(*h)});
    start(*h);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(opts_.healthy_within_s);
  for (Host* h : hosts) {
    for (;;) {
      Json hb = health(*h, 0.2);
      if (hb.is_object() && hb.value("ready", false)) break;
      if (pids(*h).empty())
        throw SystemFailure(fmt::format("the Maelstrom node on {} exited during startup; see its log {}", h->name(),
                                       log_path(*h)));
      if (std::chrono::steady_clock::now() > deadline)
        throw SystemFailure(fmt::format(
            hb.is_object() ? "the Maelstrom node on {} did not answer init within {:g} s; see its log {}"
                           : "fl-mrouter on {} did not answer within {:g} s; see its log {}",
            h->name(), opts_.healthy_within_s, log_path(*h)));
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
}

void MaelstromDb::teardown(const std::vector<Host*>& hosts) noexcept {
  try {
    on_each_host(hosts, [&](Host& h) {
      // What each router carried, for the log (it also writes it to its own).
      Json hb = health(h, 0.2);
      if (hb.is_object()) spdlog::info("fl-mrouter on {} carried {}", h.name(), hb.value("counters", Json()).dump());
      daemons_.stop(h, std::chrono::seconds(2));
    });
  } catch (...) {
    // Teardown must not throw; `faultline cluster down` removes what is left.
  }
  // The service after the routers, whatever became of them (it also ends
  // by itself once faultline is gone: --watch-pid).
  if (service_host_) {
    try {
      Json sh = service_health(0.2);
      if (sh.is_object()) spdlog::info("fl-mservice answered {}", sh.value("requests", Json()).dump());
    } catch (...) {
    }
    service_daemon_.stop(*service_host_, std::chrono::seconds(2));
  }
}

Json MaelstromDb::traffic(const std::vector<Host*>& hosts) {
  Json nodes = Json::object();
  for (Host* h : hosts) {
    std::string text;
    try {
      RunResult r = h->run({"cat", counts_path(*h)});
      if (r.ok()) text = r.out;
    } catch (const std::exception& e) {
      spdlog::warn("could not read {} on {}: {}", counts_path(*h), h->name(), e.what());
    }
    nodes[h->name()] = router_counts(text);
  }
  return {{"nodes", nodes}};
}

void MaelstromDb::start(Host& host) {
  DaemonSpec spec;
  spec.name = "fl-mrouter";
  {
    std::lock_guard<std::mutex> lock(mu_);
    spec.argv = {opts_.router, "--node", host.name(), "--listen", fmt::format("{}:{}", host.address(), opts_.port),
                 "--peers", peers_, "--counters", counts_path(host), "--messages", messages_path(host)};
    if (!service_addr_.empty()) spec.argv.insert(spec.argv.end(), {"--service", service_addr_});
    spec.argv.push_back("--");
  }
  spec.argv.insert(spec.argv.end(), opts_.node_argv.begin(), opts_.node_argv.end());
  spec.log_path = log_path(host);  // appended: a restart continues the same log
  spec.cwd = dir(host);
  daemons_.spawn(host, spec);
}

}  // namespace fl
