// Peers: how one node calls another — HTTP + JSON over cpp-httplib, with
// short timeouts, so a partition costs a caller milliseconds, not seconds.
// A Call says what came back and, when nothing did, whether the request may
// have reached the peer: a refused or timed-out *connect* means it certainly
// did not (NotSent); a lost answer means it may have (Unknown). Designs rely
// on that distinction to keep the outcome rules (protocol.h).
// fan_out() calls many peers at once and returns as soon as enough of them
// have answered, the rest finishing in the background (Dynamo's W of N).
// Thread-safe: any thread may call; connections are pooled per peer.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "protocol.h"
#include "worker_pool.h"

namespace course {

struct Member {
  std::string name;     // "n2"
  std::string host;     // "10.213.77.12"
  int port = 0;         // 7000
};

// "n1=10.0.0.1:7000,n2=…" → members, in the given order. Throws FlagError.
std::vector<Member> parse_members(const std::string& peers);

struct Call {
  enum class Failure { None, NotSent, Unknown, Pending };
  std::string peer;
  Failure failure = Failure::Pending;
  int status = 0;       // when failure == None
  Json body;            // parsed answer (null if it was not JSON)
  std::string error;    // why, when failure != None

  bool answered() const { return failure == Failure::None; }
  bool ok() const { return answered() && status == 200; }
};

struct PeerTimeouts {
  std::chrono::milliseconds connect{150};
  std::chrono::milliseconds request{400};   // the whole exchange, default for every call
};

class PeerClient {
 public:
  PeerClient(std::vector<Member> members, PeerTimeouts timeouts);
  ~PeerClient();

  const PeerTimeouts& timeouts() const { return timeouts_; }
  // POST path with a JSON body; GET when body is null. timeout 0 = the default.
  Call call(const std::string& peer, const std::string& path, const Json& body,
            std::chrono::milliseconds timeout = std::chrono::milliseconds(0));

  // Calls every peer in `to` concurrently; returns once `need` calls satisfy
  // `good` (default: a 200 answer), or all have ended, or `timeout` passed.
  // The result has one Call per peer in `to`'s order; calls still running
  // are Pending (they finish in the background and are then forgotten).
  using Good = std::function<bool(const Call&)>;
  std::vector<Call> fan_out(const std::vector<std::string>& to, const std::string& path, const Json& body,
                            std::size_t need, std::chrono::milliseconds timeout = std::chrono::milliseconds(0),
                            Good good = nullptr);

  // Fire and forget: the calls run on the worker pool; nothing waits.
  void post_async(const std::string& peer, const std::string& path, const Json& body);

 private:
  struct Pool;
  Pool& pool_of(const std::string& peer);
  std::map<std::string, Member> members_;
  PeerTimeouts timeouts_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<Pool>> pools_;
  WorkerPool workers_;
};

}  // namespace course
