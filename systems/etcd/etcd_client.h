// EtcdClient: one logical process's connection to one etcd node, speaking the
// v3 JSON gateway (/v3/kv/put, /v3/kv/range, /v3/kv/txn) over libcurl with a
// per-request timeout. It classifies every outcome honestly (Jepsen): a
// refused fresh connection (nothing sent) or a failed compare is Fail; a timeout,
// a connection lost after sending, or a refusal after libcurl lost a kept-alive
// connection (it may have sent on it) is Info; a read the server rejects is
// Fail (a read has no effect); a write the server rejects is Info.
// Not thread-safe: one client per process, as the Client contract says.
#pragma once

#include <memory>
#include <string>

#include "workloads/workload.h"

namespace fl {

struct EtcdClientOptions {
  std::string url;           // "http://10.213.77.11:2379"
  std::string key_prefix;    // "fl/register" or "fl/kv/"
  bool keyed = false;        // kv: the op's key is appended to the prefix
  // Reads answered by the member itself from its local state, without a
  // quorum (etcd's documented "serializable" read: fast, and stale when the
  // member is cut off). The default goes through the quorum (linearizable).
  bool serializable = false;
  double timeout_s = 1.0;
};

class EtcdClient : public Client {
 public:
  explicit EtcdClient(EtcdClientOptions opts);
  ~EtcdClient() override;
  Completion invoke(const OpSpec& op) override;

 private:
  struct Http;
  Completion read(const std::string& key);
  Completion write(const std::string& key, const Json& value);
  Completion cas(const std::string& key, const Json& value);
  EtcdClientOptions opts_;
  std::unique_ptr<Http> http_;
};

// True if GET url/health answers {"health":"true"} within timeout_s.
bool etcd_healthy(const std::string& url, double timeout_s);

}  // namespace fl
