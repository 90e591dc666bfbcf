// MaelstromDb: a Maelstrom node program on every node, each behind its own
// fl-mrouter (started through Host::spawn, so in the node's namespace):
//   fl-mrouter --node n2 --listen ADDR:PORT --peers n1=…,n2=…,n3=… -- BIN [ARGS]
// with the node's directory <root>/<node>/ as its working directory and its
// log (the router's and the node's stderr) in <root>/<node>.log. setup()
// waits (bounded) until every router says its node answered `init`; a node
// that exits or never answers ends setup with one sentence naming its log.
// kill / pause act on the router (its node dies with it: PR_SET_PDEATHSIG);
// start() after a kill starts both again, and the node gets a fresh `init`.
// Each router appends its counts to <root>/<node>/counters.jsonl (copied to
// the store with the log); traffic() reads them (router_counts.h). It also
// records its first messages (fl-mrouter --messages, each router's first
// 1000) in <root>/<node>/messages.jsonl, copied to the store for the
// report's message diagram.
// Maelstrom's services (seq-kv, lin-kv, lww-kv, lin-tso) are one fl-mservice
// on this machine, outside every node's namespace, listening on the address
// this machine reaches the nodes from (the bridge's, for namespaces) at
// `service_port`; each router is told it (--service). It starts before the
// routers and stops after them (and by itself should faultline die: it
// watches faultline's pid); its log is <root>/mservice.log. Like Maelstrom's
// services it is no node: partitions, which cut nodes from nodes, leave it
// reachable, while packet faults on a node's interface act on its requests
// and answers as on any other traffic; kill and pause never touch it.
// Thread-safety: per-host calls may run concurrently.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cluster/db.h"
#include "history/op.h"
#include "systems/daemon_table.h"

namespace fl {

struct MaelstromDbOptions {
  std::string router;                    // the fl-mrouter binary
  std::string service;                   // the fl-mservice binary ("" = no services)
  int service_port = 7399;
  std::vector<std::string> node_argv;    // the node program and its arguments
  std::string data_root = "/tmp/faultline-maelstrom";
  int port = 7400;
  double healthy_within_s = 10;
};

class MaelstromDb : public Db {
 public:
  explicit MaelstromDb(MaelstromDbOptions opts) : opts_(std::move(opts)) {}
  std::string name() const override { return "maelstrom"; }
  void setup(const std::vector<Host*>& hosts) override;
  void teardown(const std::vector<Host*>& hosts) noexcept override;
  void start(Host& host) override;
  void kill(Host& host) override { daemons_.kill(host); }
  void pause(Host& host) override { daemons_.pause(host); }
  void resume(Host& host) override { daemons_.resume(host); }
  std::vector<int> pids(Host& host) override { return daemons_.pids(host); }
  std::vector<std::string> log_files(Host& host) override {
    return {log_path(host), counts_path(host), messages_path(host)};
  }
  // fl-mservice's health answer ({"requests"}), or null when it does not answer in time (or runs not).
  Json service_health(double timeout_s) const;
  std::string service_log() const { return opts_.data_root + "/mservice.log"; }
  Json traffic(const std::vector<Host*>& hosts) override;

  int port() const { return opts_.port; }
  // The router's health answer ({"ready", "counters"}), or null when it does not answer in time.
  Json health(const Host& host, double timeout_s) const;

 private:
  std::string dir(const Host& host) const { return opts_.data_root + "/" + host.name(); }
  std::string log_path(const Host& host) const { return opts_.data_root + "/" + host.name() + ".log"; }
  std::string counts_path(const Host& host) const { return dir(host) + "/counters.jsonl"; }
  std::string messages_path(const Host& host) const { return dir(host) + "/messages.jsonl"; }
  MaelstromDbOptions opts_;
  std::mutex mu_;
  void start_service(const std::vector<Host*>& hosts);
  std::string peers_;  // fixed at setup
  std::string service_addr_;  // fl-mservice's HOST:PORT, fixed at setup ("" = none)
  DaemonTable daemons_;
  std::unique_ptr<Host> service_host_;  // this machine, at the address the nodes reach it by
  DaemonTable service_daemon_;
};

}  // namespace fl
