// The `maelstrom` system: any node program written to Maelstrom's protocol
// (--bin PATH [--bin-args "…"]), unchanged, on every node of the cluster,
// behind fl-mrouter (MaelstromDb), driven by MaelstromClient over UDP. Its
// workloads are Maelstrom's: echo, broadcast, g-counter, lin-kv,
// txn-rw-register, txn-list-append, unique-ids, g-set, pn-counter, kafka. For
// broadcast, each node is told the topology (every other node is its
// neighbour) before its first client's first op, as Maelstrom does.
// Options (JSON): "bin", "bin-args", "router" (the fl-mrouter binary, found
// beside faultline by default), "service" (the fl-mservice binary, which
// serves Maelstrom's seq-kv, lin-kv, lww-kv and lin-tso: found beside the
// router by default; "none" runs no services), "service-port" (default
// 7399), "data-root", "port", "healthy-within-s".
#include <atomic>
#include <filesystem>
#include <memory>
#include <set>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <unistd.h>

#include "systems/maelstrom/maelstrom_client.h"
#include "systems/maelstrom/maelstrom_db.h"
#include "systems/system.h"

namespace fl {
namespace {

namespace fs = std::filesystem;

std::string router_beside_faultline(const std::string& name) {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? name : (self.parent_path() / name).string();
}

void require_program(const std::string& path, const std::string& what) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec) || ::access(path.c_str(), X_OK) != 0)
    throw std::invalid_argument(fmt::format("{} {} is not an executable file", what, path));
}

class MaelstromSystem : public System {
 public:
  explicit MaelstromSystem(MaelstromDbOptions db) : db_(std::move(db)) {}
  std::string name() const override { return "maelstrom"; }
  std::vector<std::string> workloads() const override {
    return {"echo",   "broadcast",       "g-counter",       "pn-counter", "g-set",
            "lin-kv", "txn-rw-register", "txn-list-append", "unique-ids", "kafka"};
  }
  Db& db() override { return db_; }
  std::unique_ptr<Client> make_client(const std::string& workload, Host* node, const ClientOptions& opts) override {
    if (!node) throw std::invalid_argument("a Maelstrom client needs a node");
    if (workload == "broadcast") tell_topology(*node, opts.timeout_s);
    auto conn = std::make_unique<MaelstromConn>(fmt::format("c{}", next_client_.fetch_add(1)), node->name(),
                                                node->address(), db_.port());
    return std::make_unique<MaelstromClient>(workload, std::move(conn), opts.timeout_s);
  }

 private:
  // Maelstrom's broadcast workload sends every node a `topology` first; a
  // node written for it may wait for one. Once per node per run: the first
  // client bound to it does it, and tries a few times (the node may be busy).
  void tell_topology(Host& node, double timeout_s) {
    std::lock_guard<std::mutex> lock(topology_mu_);
    if (told_.count(node.name())) return;
    Json topology = Json::object();
    for (const std::string& a : node_names_locked(node)) {
      Json others = Json::array();
      for (const std::string& b : node_names_locked(node))
        if (a != b) others.push_back(b);
      topology[a] = others;
    }
    MaelstromConn conn(fmt::format("c{}", next_client_.fetch_add(1)), node.name(), node.address(), db_.port());
    for (int attempt = 0; attempt < 5; ++attempt) {
      std::optional<Json> b = conn.call({{"type", "topology"}, {"topology", topology}}, timeout_s);
      if (b && b->value("type", "") == "topology_ok") {
        told_.insert(node.name());
        return;
      }
    }
  }
  // Every node's name; the Db knows them from setup through the health answers.
  std::vector<std::string> node_names_locked(const Host& node) {
    if (names_.empty()) {
      Json hb = db_.health(node, 1.0);
      if (hb.is_object() && hb.contains("nodes"))
        for (const Json& n : hb["nodes"]) names_.push_back(n.get<std::string>());
    }
    return names_;
  }

  MaelstromDb db_;
  std::atomic<int> next_client_{1};
  std::mutex topology_mu_;
  std::set<std::string> told_;
  std::vector<std::string> names_;
};

}  // namespace

std::unique_ptr<System> make_maelstrom_system(const Json& options) {
  Json o = options.is_object() ? options : Json::object();
  MaelstromDbOptions db;
  std::string bin = o.value("bin", "");
  if (bin.empty()) throw std::invalid_argument("--system maelstrom needs --bin PATH, the Maelstrom node to run");
  std::error_code ec;
  fs::path abs = fs::absolute(bin, ec);
  if (!ec) bin = abs.string();
  require_program(bin, "--bin");
  db.node_argv = {bin};
  // --bin-args: split at spaces, never through a shell.
  std::istringstream extra(o.value("bin-args", ""));
  for (std::string a; extra >> a;) db.node_argv.push_back(a);
  db.router = o.value("router", router_beside_faultline("fl-mrouter"));
  require_program(db.router, "the Maelstrom router");
  db.service = o.value("service", (fs::path(db.router).parent_path() / "fl-mservice").string());
  if (db.service == "none") db.service.clear();
  else require_program(db.service, "the Maelstrom services' program");
  db.service_port = o.value("service-port", db.service_port);
  db.data_root = o.value("data-root", db.data_root);
  db.port = o.value("port", db.port);
  db.healthy_within_s = o.value("healthy-within-s", db.healthy_within_s);
  return std::make_unique<MaelstromSystem>(std::move(db));
}

}  // namespace fl
