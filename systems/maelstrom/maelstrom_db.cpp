#include "systems/maelstrom/maelstrom_db.h"

#include <chrono>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cluster/parallel.h"
#include "systems/maelstrom/maelstrom_conn.h"
#include "systems/maelstrom/router_counts.h"

namespace fl {

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
  }
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
                 "--peers", peers_, "--counters", counts_path(host), "--messages", messages_path(host), "--"};
  }
  spec.argv.insert(spec.argv.end(), opts_.node_argv.begin(), opts_.node_argv.end());
  spec.log_path = log_path(host);  // appended: a restart continues the same log
  spec.cwd = dir(host);
  daemons_.spawn(host, spec);
}

}  // namespace fl
