// `primary-backup`: n1 starts as primary and takes every write (the other
// nodes forward writes to it); it ships its history, in order, to every
// backup — each backup's state is always some earlier state of the
// primary's. Knobs (COURSE.md):
//   --sync            acknowledge a write only once every backup has it
//                     (otherwise at once: asynchronous replication);
//   --reads local|primary   answer reads from the node's own copy (default)
//                     or forward them to the primary;
//   --failover-ms T   a backup that has not heard from the primary for T ms
//                     promotes itself (a new epoch); a node that hears of a
//                     newer epoch follows its primary and takes that
//                     primary's whole state, discarding what it had that the
//                     new primary lacks. Equal epochs: the lower name wins.
// Only --sync --reads primary without failover is linearizable; async
// replication serves stale reads from backups, and failover loses
// acknowledged writes — from the design itself, not from a switch.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <thread>

#include "design.h"
#include "local_kv.h"

namespace course {
namespace {

using SteadyClock = std::chrono::steady_clock;
using std::chrono::milliseconds;

class PrimaryBackup : public Design {
 public:
  explicit PrimaryBackup(Node& node) : Design(node) {
    sync_ = node.flags->on("sync");
    reads_primary_ = node.flags->choice("reads", "local", {"local", "primary"}) == "primary";
    failover_ = milliseconds(node.flags->integer("failover-ms", 0, 0, 3600000));
  }
  std::string name() const override { return "primary-backup"; }
  Promises promises() const override {
    return {sync_ && reads_primary_ && failover_.count() == 0, {"read", "write", "cas", "add"}};
  }

  void start() override {
    store_ = std::make_unique<Store>(node_.data_dir, "primary-backup", node_.durability);
    store_->keep_log(100000);
    kv_ = std::make_unique<LocalKv>(*store_);
    epoch_ = store_->meta("epoch", 0).get<std::int64_t>();
    primary_ = store_->meta("primary", node_.first()).get<std::string>();
    synced_ = true;  // our own durable state, whatever epoch it is from
    last_heard_ = SteadyClock::now();
    for (const std::string& peer : node_.others()) {
      acked_[peer] = -1;
      std::thread([this, peer] { replicate_to(peer); }).detach();
    }
    if (failover_.count() > 0) std::thread([this] { watch_primary(); }).detach();
  }

  void peer_routes(Router& r) override {
    r.post("/peer/primary-backup/op", [this](const Json& op) {
      if (!is_primary()) return unavailable("not the primary", current_primary());
      return apply_as_primary(op);
    });
    r.post("/peer/primary-backup/replicate", [this](const Json& b) { return on_replicate(b); });
  }

  Json health() override {
    std::lock_guard<std::mutex> lock(mu_);
    bool p = primary_ == node_.name;
    return {{"role", p ? "primary" : "backup"}, {"primary", p}, {"epoch", epoch_}, {"leader", primary_}};
  }

  Reply read(const std::string& key) override {
    Json op = kv_request("read", key);
    if (reads_primary_ && !is_primary()) return forward(op);
    return kv_->read(key).reply;
  }
  Reply write(const std::string& key, const Json& v) override { return serve(kv_request("write", key, v)); }
  Reply cas(const std::string& key, const Json& from, const Json& to) override {
    return serve(kv_request("cas", key, nullptr, from, to));
  }
  Reply add(const std::string& key, const Json& v) override { return serve(kv_request("add", key, v)); }

 private:
  bool is_primary() {
    std::lock_guard<std::mutex> lock(mu_);
    return primary_ == node_.name;
  }
  std::string current_primary() {
    std::lock_guard<std::mutex> lock(mu_);
    return primary_;
  }
  Reply serve(const Json& op) { return is_primary() ? apply_as_primary(op) : forward(op); }
  Reply forward(const Json& op) {
    std::string p = current_primary();
    return relay(node_.peers->call(p, "/peer/primary-backup/op", op), p);
  }

  Reply apply_as_primary(const Json& op) {
    Applied a = kv_->apply(op);
    changed_.notify_all();
    if (!sync_ || a.seq == 0) return a.reply;
    // Synchronous replication: answer once every backup has the change.
    auto deadline = SteadyClock::now() + 2 * node_.peers->timeouts().request;
    std::unique_lock<std::mutex> lock(mu_);
    bool done = acked_cv_.wait_until(lock, deadline, [&] {
      if (primary_ != node_.name) return false;
      for (const auto& [peer, upto] : acked_)
        if (upto < static_cast<std::int64_t>(a.seq)) return false;
      return true;
    });
    if (done) return a.reply;
    return uncertain("applied on the primary, but not every backup confirmed it in time");
  }

  // Takes `primary` of `epoch` as the primary; a node that follows a new
  // primary waits for its whole state before it applies any change.
  void adopt(std::int64_t epoch, const std::string& primary) {
    if (epoch == epoch_ && primary == primary_) return;
    std::fprintf(stderr, "fl-course: %s follows %s as primary of epoch %lld (was %s of epoch %lld)\n",
                 node_.name.c_str(), primary.c_str(), static_cast<long long>(epoch), primary_.c_str(),
                 static_cast<long long>(epoch_));
    epoch_ = epoch;
    primary_ = primary;
    synced_ = primary == node_.name;
    last_heard_ = SteadyClock::now();
    for (auto& [peer, upto] : acked_) upto = -1;
    store_->put_meta("epoch", epoch);
    store_->sync(store_->put_meta("primary", primary));
  }

  Reply on_replicate(const Json& b) {
    std::lock_guard<std::mutex> serial(replicate_mu_);  // one batch at a time, whoever sends it
    std::int64_t epoch = b.value("epoch", std::int64_t{0});
    std::string from = b.value("primary", "");
    bool full = b.value("full", false);
    {
      std::lock_guard<std::mutex> lock(mu_);
      bool newer = epoch > epoch_ || (epoch == epoch_ && from != primary_ && from < primary_);
      if (epoch < epoch_ || (epoch == epoch_ && from != primary_ && !newer))
        return {409, {{"error", "a newer primary exists"}, {"epoch", epoch_}, {"primary", primary_}}};
      if (newer) adopt(epoch, from);
      last_heard_ = SteadyClock::now();
      if (!full && !synced_) return ok({{"need_full", true}});
    }
    if (full) {
      std::map<std::string, Json> state;
      for (const auto& [k, v] : b["state"].items()) state[k] = v;
      kv_->replace_all(state);
      std::lock_guard<std::mutex> lock(mu_);
      if (epoch == epoch_ && from == primary_) synced_ = true;
    } else {
      kv_->apply_log(b["log"].get<std::vector<Json>>());
    }
    return ok({{"upto", b["upto"]}});
  }

  // The primary's side: ships its durable history to one backup, in order,
  // and a heartbeat every 50 ms when there is nothing new.
  void replicate_to(const std::string& peer) {
    for (;;) {
      std::int64_t epoch, acked;
      {
        std::unique_lock<std::mutex> lock(mu_);
        changed_.wait_for(lock, milliseconds(50), [&] {
          return primary_ == node_.name && static_cast<std::int64_t>(store_->last_seq()) > acked_[peer];
        });
        if (primary_ != node_.name) continue;
        epoch = epoch_;
        acked = acked_[peer];
      }
      // Log shipping: the records after what the backup has, in order, up
      // to what is durable here; a full state for a backup we know nothing
      // of (or that fell behind what we keep). Either way the backup goes
      // from one state the primary had to a later one.
      Json body = {{"epoch", epoch}, {"primary", node_.name}};
      std::uint64_t upto = store_->last_seq();
      store_->sync(upto);
      std::optional<std::vector<Json>> records;
      if (acked >= 0) records = store_->log_since(static_cast<std::uint64_t>(acked));
      if (records) {
        Json list = Json::array();
        for (Json& r : *records)
          if (r["s"].get<std::uint64_t>() <= upto) list.push_back(std::move(r));
        body["log"] = list;
      } else {
        auto [state, seq] = store_->snapshot_at();
        store_->sync(seq);
        body["full"] = true;
        body["state"] = state;
        upto = seq;
      }
      body["upto"] = upto;
      // Sync mode bounds its own wait; a full state may be large, so the
      // call itself may take longer than a client request.
      Call c = node_.peers->call(peer, "/peer/primary-backup/replicate", body, std::chrono::milliseconds(2000));
      std::unique_lock<std::mutex> lock(mu_);
      if (c.ok()) {
        if (epoch == epoch_ && primary_ == node_.name)
          acked_[peer] = c.body.value("need_full", false) ? -1 : static_cast<std::int64_t>(upto);
        acked_cv_.notify_all();
      } else if (c.answered() && c.status == 409 && c.body.is_object()) {
        std::int64_t e = c.body.value("epoch", std::int64_t{0});
        std::string p = c.body.value("primary", "");
        if (e > epoch_ || (e == epoch_ && !p.empty() && p < primary_)) adopt(e, p);
        acked_cv_.notify_all();
      } else if (!c.answered()) {
        lock.unlock();
        std::this_thread::sleep_for(milliseconds(20));  // a partition: do not spin
      }
    }
  }

  // Failover: a backup that has not heard from its primary for failover_
  // promotes itself.
  void watch_primary() {
    for (;;) {
      std::this_thread::sleep_for(milliseconds(20));
      std::lock_guard<std::mutex> lock(mu_);
      if (primary_ == node_.name || SteadyClock::now() - last_heard_ < failover_) continue;
      adopt(epoch_ + 1, node_.name);
      changed_.notify_all();
    }
  }

  bool sync_ = false, reads_primary_ = false;
  milliseconds failover_{0};
  std::unique_ptr<Store> store_;
  std::unique_ptr<LocalKv> kv_;
  std::mutex mu_, replicate_mu_;
  std::condition_variable changed_, acked_cv_;
  std::int64_t epoch_ = 0;
  std::string primary_;
  bool synced_ = true;
  SteadyClock::time_point last_heard_;
  std::map<std::string, std::int64_t> acked_;  // backup -> highest seq it has (-1: send it everything)
};

}  // namespace

std::unique_ptr<Design> make_primary_backup(Node& node) { return std::make_unique<PrimaryBackup>(node); }

}  // namespace course
