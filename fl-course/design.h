// Design: one replication design served by fl-course (COURSE.md's table).
// A design is one file: a class deriving from Design plus a registry line in
// registry.cpp naming it, its flags and its factory. main.cpp owns the HTTP
// server and turns each course-protocol request into one call here; a design
// adds its own node-to-node endpoints in peer_routes() (POST, JSON in and
// out, under /peer/<design>/…) and calls other nodes through node.peers.
// Constructing a design must have no side effects (fl-course --describe
// builds one to learn what it promises); start() loads state from
// node.data_dir and starts background threads. There is no stop: a node
// ends by SIGTERM (_Exit) or SIGKILL, so whatever a design acknowledged must
// already be in its Store and synced.
// Thread-safety: the request methods are called from many server threads at
// once; a design locks what it shares.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "flags.h"
#include "peers.h"
#include "protocol.h"
#include "store.h"

namespace course {

// Everything a design knows about the node it runs on.
struct Node {
  std::string name;              // "n2"
  std::vector<Member> members;   // every node of the cluster, this one included, in --peers order
  std::string data_dir;          // this node's own directory; it survives a restart
  Durability durability = Durability::Fsync;  // --durability
  const Flags* flags = nullptr;  // every flag given (the design reads its own)
  PeerClient* peers = nullptr;   // calls to other nodes (null in --describe)

  std::vector<std::string> others() const;      // every member but this one
  std::vector<std::string> everyone() const;    // every member, in order
  const std::string& first() const { return members.front().name; }
};

// What a design promises, for the harness (fl-course --describe): whether
// its registers are linearizable, which requests it serves, and for a bank
// the accounts it holds and their total (the bank workload's parameters).
struct Promises {
  bool linearizable = false;
  std::vector<std::string> serves;   // "read", "write", "cas", "add", "txn", "lock", "store", "bank"
  int bank_accounts = 0;             // accounts "0"…"N-1" (0: no bank)
  std::int64_t bank_total = 0;       // the sum of their balances
};

// Node-to-node endpoints a design adds: POST path, JSON body → Reply.
class Router {
 public:
  using Handler = std::function<Reply(const Json& body)>;
  virtual ~Router() = default;
  virtual void post(const std::string& path, Handler handler) = 0;
};

class Design {
 public:
  explicit Design(Node& node) : node_(node) {}
  virtual ~Design() = default;
  virtual std::string name() const = 0;
  virtual Promises promises() const = 0;

  virtual void start() {}
  virtual void peer_routes(Router&) {}
  // Extra fields of GET /health: the node's role, whom it takes for primary…
  // "primary": true marks a node the partition-primaries nemesis cuts off.
  virtual Json health() { return Json::object(); }

  // The course protocol (COURSE.md). Keys and names come from the URL path.
  virtual Reply read(const std::string& key) = 0;
  virtual Reply write(const std::string& key, const Json& value) = 0;
  virtual Reply cas(const std::string& key, const Json& from, const Json& to) { return not_served("cas", name()); }
  virtual Reply add(const std::string& key, const Json& value) { return not_served("add", name()); }
  virtual Reply txn(const Json& body) { return not_served("/txn", name()); }
  virtual Reply lock_acquire(const std::string& lock, const Json& body) { return not_served("locks", name()); }
  virtual Reply lock_release(const std::string& lock, const Json& body) { return not_served("locks", name()); }
  virtual Reply store_write(const std::string& key, const Json& body) { return not_served("/store", name()); }
  virtual Reply store_read(const std::string& key) { return not_served("/store", name()); }
  // The bank (README): GET /bank → {"accounts": {"0": 10, …}}; POST
  // /bank/transfer {"from": a, "to": b, "amount": n} → 200, or 409 refused.
  virtual Reply bank_read() { return not_served("/bank", name()); }
  virtual Reply bank_transfer(const Json& body) { return not_served("/bank", name()); }

 protected:
  Node& node_;
};

// The design registry (registry.cpp): one line per design.
struct DesignInfo {
  std::string name;
  std::string summary;
  std::vector<FlagSpec> flags;
  std::function<std::unique_ptr<Design>(Node&)> make;
};
const std::vector<DesignInfo>& designs();
const DesignInfo* find_design(const std::string& name);

}  // namespace course
