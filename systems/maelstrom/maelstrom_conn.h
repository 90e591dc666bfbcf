// MaelstromConn: one client's exchange with one node's fl-mrouter — Maelstrom
// messages as UDP datagrams. call() sends {"src": client, "dest": node,
// "body": body + msg_id} and waits (bounded) for the message whose
// in_reply_to is that msg_id, discarding late answers to earlier calls. No
// answer is a timeout, which the caller must treat as info: the request may
// have arrived. Not thread-safe: one per client.
#pragma once

#include <netinet/in.h>

#include <optional>
#include <string>

#include "history/op.h"

namespace fl {

class MaelstromConn {
 public:
  // Throws ClusterError when no socket can be made or `host` is not IPv4.
  MaelstromConn(std::string client_id, std::string node_id, const std::string& host, int port);
  ~MaelstromConn();
  MaelstromConn(const MaelstromConn&) = delete;
  MaelstromConn& operator=(const MaelstromConn&) = delete;

  // The answer's body, or nullopt after timeout_s without one.
  std::optional<Json> call(Json body, double timeout_s);
  const std::string& client_id() const { return client_; }

 private:
  std::string client_, node_;
  sockaddr_in to_{};
  int fd_ = -1;
  std::int64_t next_msg_id_ = 1;
};

}  // namespace fl
