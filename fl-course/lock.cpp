// `lock`: a lock service that grants leases, and a store that logs every
// write it accepts — the setting of Kleppmann's "How to do distributed
// locking" (2016). A lease is granted for ttl_ms of the lock node's own wall
// clock (the clock the nemesis skews) with a token one higher than the last
// one granted for that lock; it ends at release or when the lease runs out.
// The store (on n1, like the lock service; other nodes relay to it) keeps
// the value and the log of every accepted write as [client, token].
//
// The lesson: a lease cannot stop a client that paused past its lease (a
// GC pause, a page fault) from writing later with an old token — unless the
// store checks the token: `--fencing` makes it refuse (409) a token lower
// than the highest it has seen.
//
// `--redlock N`: instead of one lock service, the first N nodes each run an
// independent one (each on its own clock), and the node a client asks runs
// the Redlock algorithm (antirez, "Distributed locks with Redis"): ask all
// N, and hold the lock if a majority granted and the time spent is within
// the lease (minus a drift allowance); otherwise release what was granted.
// Its safety rests on the lock nodes' clocks — Kleppmann's critique, and
// what the clock nemesis breaks: a node whose clock jumps ahead ends a lease
// early and grants the lock to a second client. (Its "token" is the highest
// of the grants' own counters: no fencing token in the strict sense.)
#include <algorithm>
#include <chrono>
#include <mutex>

#include "design.h"
#include "local_kv.h"

namespace course {
namespace {

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The leases of one lock node, durable: {"holder", "token", "expires_ms"} per lock.
class LeaseTable {
 public:
  LeaseTable(const std::string& dir, Durability d) : store_(dir, "leases", d) {}

  // A lease for `client` if the lock is free or its lease has run out.
  Reply grant(const std::string& name, const std::string& client, std::int64_t ttl_ms) {
    std::uint64_t seq;
    std::int64_t token;
    {
      std::lock_guard<std::mutex> lock(mu_);
      Json lease = current(name);
      std::int64_t now = wall_ms();
      if (!lease["holder"].get<std::string>().empty() && now < lease["expires_ms"].get<std::int64_t>()) {
        std::uint64_t held_seq = seq_of(name);
        store_.sync(held_seq);  // the refusal rests on a lease that must be durable
        return refused("held by " + lease["holder"].get<std::string>() + " for " +
                       std::to_string(lease["expires_ms"].get<std::int64_t>() - now) + " ms more");
      }
      token = lease["token"].get<std::int64_t>() + 1;
      // The lease runs ttl_ms from a moment no earlier than now: `now` is
      // truncated to the millisecond, so it counts from now + 1. Counting
      // from the truncated value ended leases up to 1 ms early — before the
      // client's own reckoning (its request's send time + ttl) — and the
      // next holder could be granted inside that millisecond: the lock
      // checker saw two clients hold the fencing lock at once in 1 run of
      // 10 (both at 1.227 s).
      seq = store_.put(name, {{"holder", client}, {"token", token}, {"expires_ms", now + 1 + ttl_ms}});
    }
    store_.sync(seq);
    return ok({{"token", token}, {"ttl_ms", ttl_ms}});
  }

  // Ends `client`'s lease; with `token` >= 0 the token must match too.
  Reply release(const std::string& name, const std::string& client, std::int64_t token) {
    std::uint64_t seq;
    {
      std::lock_guard<std::mutex> lock(mu_);
      Json lease = current(name);
      if (lease["holder"].get<std::string>() != client || (token >= 0 && lease["token"].get<std::int64_t>() != token))
        return refused(client + " does not hold " + name);
      if (wall_ms() >= lease["expires_ms"].get<std::int64_t>()) return refused("the lease of " + client + " ran out");
      lease["holder"] = "";
      seq = store_.put(name, lease);
    }
    store_.sync(seq);
    return ok();
  }

 private:
  Json current(const std::string& name) const {
    auto e = store_.get(name);
    if (e) return e->record;
    return {{"holder", ""}, {"token", 0}, {"expires_ms", 0}};
  }
  std::uint64_t seq_of(const std::string& name) const {
    auto e = store_.get(name);
    return e ? e->seq : 0;
  }
  Store store_;
  std::mutex mu_;
};

// The store: per key the value, the log of accepted writes and the highest
// token seen.
class TokenStore {
 public:
  TokenStore(const std::string& dir, Durability d, bool fencing) : store_(dir, "store", d), fencing_(fencing) {}

  Reply write(const std::string& key, const Json& body) {
    if (!body.contains("value") || !body.contains("token") || !body["token"].is_number_integer())
      return bad_request("a store write needs {\"value\": …, \"token\": n, \"client\": c}");
    std::int64_t token = body["token"].get<std::int64_t>();
    std::string client = body.value("client", "");
    std::uint64_t seq;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto e = store_.get(key);
      Json rec = e ? e->record : Json{{"value", nullptr}, {"log", Json::array()}, {"highest", 0}};
      std::int64_t highest = rec["highest"].get<std::int64_t>();
      if (fencing_ && token < highest) {
        if (e) store_.sync(e->seq);
        return refused("token " + std::to_string(token) + " is older than " + std::to_string(highest));
      }
      rec["value"] = body["value"];
      rec["log"].push_back(Json::array({client, token}));
      rec["highest"] = std::max(highest, token);
      seq = store_.put(key, rec);
    }
    store_.sync(seq);
    return ok();
  }

  Reply read(const std::string& key) {
    auto e = store_.get(key);
    if (!e) return ok({{"value", nullptr}, {"log", Json::array()}});
    store_.sync(e->seq);
    return ok({{"value", e->record["value"]}, {"log", e->record["log"]}});
  }

 private:
  Store store_;
  std::mutex mu_;
  bool fencing_;
};

class Lock : public Design {
 public:
  explicit Lock(Node& node) : Design(node) {
    fencing_ = node.flags->on("fencing");
    redlock_ = static_cast<std::size_t>(node.flags->integer("redlock", 0, 0, 99));
    // Without peers this is --describe, which knows no cluster yet.
    if (node.peers && redlock_ > node.members.size())
      throw FlagError("--redlock " + std::to_string(redlock_) + " needs as many nodes; the cluster has " +
                      std::to_string(node.members.size()));
  }
  std::string name() const override { return "lock"; }
  Promises promises() const override { return {true, {"lock", "store"}}; }

  void start() override {
    if (lock_node()) leases_ = std::make_unique<LeaseTable>(node_.data_dir, node_.durability);
    if (home()) store_ = std::make_unique<TokenStore>(node_.data_dir, node_.durability, fencing_);
  }

  void peer_routes(Router& r) override {
    // One lock node's own grant and release (the lock service itself, or one
    // of Redlock's N).
    r.post("/peer/lock/grant", [this](const Json& b) {
      if (!leases_) return unavailable("not a lock node", node_.first());
      return leases_->grant(b.value("name", ""), b.value("client", ""), b.value("ttl_ms", std::int64_t{0}));
    });
    r.post("/peer/lock/release", [this](const Json& b) {
      if (!leases_) return unavailable("not a lock node", node_.first());
      return leases_->release(b.value("name", ""), b.value("client", ""), b.value("token", std::int64_t{-1}));
    });
    r.post("/peer/lock/store-write", [this](const Json& b) {
      if (!store_) return unavailable("not the store", node_.first());
      return store_->write(b.value("key", ""), b.value("body", Json::object()));
    });
    r.post("/peer/lock/store-read", [this](const Json& b) {
      if (!store_) return unavailable("not the store", node_.first());
      return store_->read(b.value("key", ""));
    });
  }

  Json health() override {
    return {{"role", home() ? "lock service and store" : lock_node() ? "lock node" : "relay"}, {"primary", home()}};
  }

  Reply read(const std::string&) override { return not_served("registers", name()); }
  Reply write(const std::string&, const Json&) override { return not_served("registers", name()); }

  Reply lock_acquire(const std::string& lock, const Json& body) override {
    std::string client = body.value("client", "");
    std::int64_t ttl = body.value("ttl_ms", std::int64_t{0});
    if (client.empty() || ttl <= 0) return bad_request("an acquire needs {\"client\": c, \"ttl_ms\": t > 0}");
    Json req = {{"name", lock}, {"client", client}, {"ttl_ms", ttl}};
    if (redlock_) return redlock_acquire(req, ttl);
    if (home()) return leases_->grant(lock, client, ttl);
    return relay(node_.peers->call(node_.first(), "/peer/lock/grant", req), node_.first());
  }

  Reply lock_release(const std::string& lock, const Json& body) override {
    std::string client = body.value("client", "");
    if (client.empty()) return bad_request("a release needs {\"client\": c, \"token\": n}");
    if (redlock_) return redlock_release({{"name", lock}, {"client", client}});
    Json req = {{"name", lock}, {"client", client}, {"token", body.value("token", std::int64_t{-1})}};
    if (home()) return leases_->release(lock, client, req["token"].get<std::int64_t>());
    return relay(node_.peers->call(node_.first(), "/peer/lock/release", req), node_.first());
  }

  Reply store_write(const std::string& key, const Json& body) override {
    if (home()) return store_->write(key, body);
    return relay(node_.peers->call(node_.first(), "/peer/lock/store-write", {{"key", key}, {"body", body}}),
                 node_.first());
  }

  Reply store_read(const std::string& key) override {
    if (home()) return store_->read(key);
    return relay(node_.peers->call(node_.first(), "/peer/lock/store-read", {{"key", key}}), node_.first());
  }

 private:
  bool home() const { return node_.name == node_.first(); }
  bool lock_node() const {
    if (!redlock_) return home();
    for (std::size_t i = 0; i < redlock_ && i < node_.members.size(); ++i)
      if (node_.members[i].name == node_.name) return true;
    return false;
  }
  std::vector<std::string> lock_nodes() const {
    std::vector<std::string> v;
    for (std::size_t i = 0; i < redlock_ && i < node_.members.size(); ++i) v.push_back(node_.members[i].name);
    return v;
  }

  // Calls `path` on every lock node (this one directly) at once; one Call
  // per lock node, in order.
  std::vector<Call> ask_lock_nodes(const std::string& path, const Json& req, std::chrono::milliseconds timeout) {
    std::vector<std::string> all = lock_nodes(), others;
    for (const std::string& n : all)
      if (n != node_.name) others.push_back(n);
    std::vector<Call> remote = node_.peers->fan_out(others, path, req, others.size(), timeout);
    std::vector<Call> out;
    std::size_t k = 0;
    for (const std::string& n : all) {
      if (n != node_.name) {
        out.push_back(remote[k++]);
        continue;
      }
      std::string lock = req["name"].get<std::string>(), client = req["client"].get<std::string>();
      Reply r = path == "/peer/lock/grant" ? leases_->grant(lock, client, req["ttl_ms"].get<std::int64_t>())
                                           : leases_->release(lock, client, -1);
      Call c;
      c.peer = n;
      c.failure = Call::Failure::None;
      c.status = r.status;
      c.body = r.body;
      out.push_back(c);
    }
    return out;
  }

  Reply redlock_acquire(const Json& req, std::int64_t ttl) {
    using Clock = std::chrono::steady_clock;
    auto started = Clock::now();
    // Each lock node gets a short time to answer, so a dead one costs little
    // of the lease (Redlock: "a timeout much smaller than the lease").
    auto per_node = std::chrono::milliseconds(std::clamp<std::int64_t>(ttl / 5, 20, 200));
    std::vector<Call> calls = ask_lock_nodes("/peer/lock/grant", req, per_node);
    std::size_t granted = 0;
    std::int64_t token = 0;
    for (const Call& c : calls)
      if (c.ok()) {
        ++granted;
        token = std::max(token, c.body.value("token", std::int64_t{0}));
      }
    auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
    std::int64_t drift = ttl / 100 + 2;
    std::int64_t validity = ttl - spent - drift;
    std::size_t quorum = redlock_ / 2 + 1;
    if (granted >= quorum && validity > 0) return ok({{"token", token}, {"validity_ms", validity}});
    // Not held: give back whatever was granted (or may have been).
    for (const Call& c : calls) {
      if (c.answered() && !c.ok()) continue;
      if (c.peer == node_.name) leases_->release(req["name"].get<std::string>(), req["client"].get<std::string>(), -1);
      else node_.peers->post_async(c.peer, "/peer/lock/release", req);
    }
    return refused(std::to_string(granted) + " of " + std::to_string(redlock_) + " lock nodes granted (" +
                   std::to_string(quorum) + " needed) in " + std::to_string(spent) + " ms");
  }

  Reply redlock_release(const Json& req) {
    std::vector<Call> calls = ask_lock_nodes("/peer/lock/release", req, std::chrono::milliseconds(0));
    std::size_t released = 0, silent = 0;
    for (const Call& c : calls) {
      released += c.ok();
      silent += !c.answered();
    }
    // A release that ended a lease anywhere happened; one that may have is
    // unknown; only one that every node refused did certainly nothing.
    if (silent) return uncertain(std::to_string(released) + " lock nodes released; " + std::to_string(silent) +
                                 " did not answer");
    if (released) return ok({{"released", released}});
    return refused(req["client"].get<std::string>() + " holds the lock on none of the " + std::to_string(redlock_) +
                   " lock nodes");
  }

  bool fencing_ = false;
  std::size_t redlock_ = 0;
  std::unique_ptr<LeaseTable> leases_;
  std::unique_ptr<TokenStore> store_;
};

}  // namespace

std::unique_ptr<Design> make_lock(Node& node) { return std::make_unique<Lock>(node); }

}  // namespace course
