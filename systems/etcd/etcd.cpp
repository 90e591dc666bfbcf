// The etcd system: EtcdDb on the nodes, EtcdClient for the register and kv
// workloads. Options (JSON): "data_root", "client_port", "peer_port",
// "binary" override EtcdOptions' defaults.
#include <memory>
#include <stdexcept>

#include "systems/etcd/etcd_client.h"
#include "systems/etcd/etcd_db.h"
#include "systems/system.h"

namespace fl {
namespace {

class EtcdSystem : public System {
 public:
  explicit EtcdSystem(EtcdOptions opts) : db_(std::move(opts)) {}
  std::string name() const override { return "etcd"; }
  std::string description() const override {
    return "etcd 3.4 (Debian etcd-server) in network namespaces, via its v3 JSON gateway";
  }
  std::vector<std::string> workloads() const override { return {"register", "kv"}; }
  Db& db() override { return db_; }
  std::unique_ptr<Client> make_client(const std::string& workload, Host* node,
                                      const ClientOptions& opts) override {
    if (!node) throw std::invalid_argument("an etcd client needs a node");
    EtcdClientOptions o;
    o.url = db_.client_url(*node);
    o.timeout_s = opts.timeout_s;
    if (workload == "kv") {
      o.key_prefix = "fl/kv/";
      o.keyed = true;
    } else {
      o.key_prefix = "fl/register";
    }
    return std::make_unique<EtcdClient>(std::move(o));
  }

 private:
  EtcdDb db_;
};

}  // namespace

std::unique_ptr<System> make_etcd_system(const nlohmann::json& options) {
  EtcdOptions o;
  if (options.is_object()) {
    try {
      o.binary = options.value("binary", o.binary);
      o.data_root = options.value("data_root", o.data_root);
      o.client_port = options.value("client_port", o.client_port);
      o.peer_port = options.value("peer_port", o.peer_port);
      o.healthy_within_s = options.value("healthy_within_s", o.healthy_within_s);
    } catch (const nlohmann::json::exception&) {
      throw std::invalid_argument(
          "an etcd option has the wrong type (binary and data_root are paths, the ports and healthy_within_s numbers)");
    }
  }
  return std::make_unique<EtcdSystem>(std::move(o));
}

}  // namespace fl
