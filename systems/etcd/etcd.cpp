// The etcd system: EtcdDb on the nodes, EtcdClient for the register and kv
// workloads. Options (JSON): "data-root", "client-port", "peer-port",
// "binary" override EtcdOptions' defaults; "serializable": true makes the
// clients read without a quorum (etcd's weaker, documented read mode).
#include <memory>
#include <stdexcept>

#include "systems/etcd/etcd_client.h"
#include "systems/etcd/etcd_db.h"
#include "systems/system.h"

namespace fl {
namespace {

class EtcdSystem : public System {
 public:
  EtcdSystem(EtcdOptions opts, bool serializable) : db_(std::move(opts)), serializable_(serializable) {}
  std::string name() const override { return "etcd"; }
  std::vector<std::string> workloads() const override { return {"register", "kv"}; }
  Db& db() override { return db_; }
  std::unique_ptr<Client> make_client(const std::string& workload, Host* node,
                                      const ClientOptions& opts) override {
    if (!node) throw std::invalid_argument("an etcd client needs a node");
    EtcdClientOptions o;
    o.url = db_.client_url(*node);
    o.timeout_s = opts.timeout_s;
    o.serializable = serializable_;
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
  bool serializable_ = false;
};

}  // namespace

std::unique_ptr<System> make_etcd_system(const nlohmann::json& options) {
  EtcdOptions o;
  bool serializable = false;
  if (options.is_object()) {
    try {
      o.binary = options.value("binary", o.binary);
      o.data_root = options.value("data-root", o.data_root);
      o.client_port = options.value("client-port", o.client_port);
      o.peer_port = options.value("peer-port", o.peer_port);
      o.healthy_within_s = options.value("healthy-within-s", o.healthy_within_s);
      serializable = options.value("serializable", false);
    } catch (const nlohmann::json::exception&) {
      throw std::invalid_argument(
          "an etcd option has the wrong type (binary and data-root are paths, the ports and healthy-within-s numbers, serializable a boolean)");
    }
  }
  return std::make_unique<EtcdSystem>(std::move(o), serializable);
}

}  // namespace fl
