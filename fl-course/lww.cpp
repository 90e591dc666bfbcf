// `lww`: multi-leader replication with last-writer-wins. Every node accepts
// every write at once, stamps it, applies it to its own copy and answers;
// every 50 ms it gossips what changed to each peer, and a node keeps, per
// key, the record with the highest stamp. Reads are local.
//   --clock wall     stamp = this node's wall clock (µs): a node whose clock
//                    runs behind loses its writes to older ones (the point);
//   --clock lamport  stamp = a Lamport counter, raised past every stamp seen;
//   --clock hlc      a hybrid logical clock (Kulkarni et al., 2014): wall
//                    time, but never behind a stamp seen.
// Ties break by node name, then by the node's own write count.
//   --crdt           sets are OR-sets (Shapiro et al., 2011): each add is a
//                    uniquely tagged element and merging is union, so no add
//                    is ever lost. (The protocol has no remove, so the set
//                    never needs the OR-set's tombstones.) Without --crdt a
//                    set is one last-writer-wins value: concurrent adds on
//                    different nodes overwrite each other.
// Never linearizable (reads are local and replication lags).
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <thread>

#include "design.h"

namespace course {
namespace {

struct Stamp {
  std::int64_t t = 0, c = 0;  // wall µs / Lamport counter / HLC (l, c)
  std::string node;
  std::int64_t seq = 0;       // the node's own count, unique across its runs
  bool operator<(const Stamp& o) const {
    if (t != o.t) return t < o.t;
    if (c != o.c) return c < o.c;
    if (node != o.node) return node < o.node;
    return seq < o.seq;
  }
  Json json() const { return Json::array({t, c, node, seq}); }
  static Stamp of(const Json& j) {
    if (!j.is_array() || j.size() != 4) return {};
    return {j[0].get<std::int64_t>(), j[1].get<std::int64_t>(), j[2].get<std::string>(), j[3].get<std::int64_t>()};
  }
};

// An OR-set element lives under its own key, so an add is one small record.
const char kElement = '\x1e';

std::int64_t wall_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class Lww : public Design {
 public:
  explicit Lww(Node& node) : Design(node) {
    clock_ = node.flags->choice("clock", "wall", {"wall", "lamport", "hlc"});
    crdt_ = node.flags->on("crdt");
  }
  std::string name() const override { return "lww"; }
  Promises promises() const override { return {false, {"read", "write", "add"}}; }

  void start() override {
    store_ = std::make_unique<Store>(node_.data_dir, "lww", node_.durability);
    std::int64_t run = store_->meta("runs", 0).get<std::int64_t>() + 1;
    store_->sync(store_->put_meta("runs", run));
    seq_ = run << 32;
    // Logical clocks start past every stamp this node already holds.
    for (const auto& [key, record] : store_->snapshot())
      if (record.is_object() && record.contains("stamp")) observe(Stamp::of(record["stamp"]));
    for (const std::string& peer : node_.others()) std::thread([this, peer] { gossip_to(peer); }).detach();
  }

  void peer_routes(Router& r) override {
    r.post("/peer/lww/merge", [this](const Json& b) {
      std::vector<std::uint64_t> seqs;
      {
        std::lock_guard<std::mutex> lock(mu_);
        for (const Json& item : b["records"]) seqs.push_back(merge(item[0].get<std::string>(), item[1]));
      }
      if (!seqs.empty()) store_->sync(*std::max_element(seqs.begin(), seqs.end()));
      return ok();
    });
  }

  Json health() override {
    std::lock_guard<std::mutex> lock(clock_mu_);
    return {{"role", "leader"}, {"clock", clock_}, {"crdt", crdt_}, {"lamport", lamport_}, {"hlc", {hlc_l_, hlc_c_}}};
  }

  Reply read(const std::string& key) override {
    std::uint64_t seq = 0;
    Json value;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto elements = crdt_ ? store_->with_prefix(key + kElement) : std::vector<std::pair<std::string, Entry>>{};
      if (!elements.empty()) {
        value = Json::array();
        for (const auto& [k, e] : elements) {
          value.push_back(e.record["element"]);
          seq = std::max(seq, e.seq);
        }
      } else if (auto e = store_->get(key)) {
        value = e->record["value"];
        seq = e->seq;
      }
    }
    store_->sync(seq);
    return ok({{"value", value}});
  }

  Reply write(const std::string& key, const Json& value) override {
    std::uint64_t seq;
    {
      std::lock_guard<std::mutex> lock(mu_);
      seq = merge(key, {{"value", value}, {"stamp", next_stamp().json()}});
    }
    store_->sync(seq);
    changed_.notify_all();
    return ok();  // even if an older-looking stamp made it lose at once: that is LWW
  }

  Reply add(const std::string& key, const Json& value) override {
    std::uint64_t seq;
    {
      std::lock_guard<std::mutex> lock(mu_);
      Stamp s = next_stamp();
      if (crdt_) {
        seq = merge(key + kElement + value.dump(), {{"element", value}, {"tags", Json::array({s.json()})}});
      } else {
        // The whole set is one value: read it here, add, write it back.
        auto e = store_->get(key);
        Json set = e && e->record["value"].is_array() ? e->record["value"] : Json::array();
        if (std::find(set.begin(), set.end(), value) == set.end()) set.push_back(value);
        seq = merge(key, {{"value", set}, {"stamp", s.json()}});
      }
    }
    store_->sync(seq);
    changed_.notify_all();
    return ok();
  }

 private:
  // Keeps the winner of `record` and what this node has under `key`;
  // returns the seq to sync. Caller holds mu_.
  std::uint64_t merge(const std::string& key, const Json& record) {
    auto e = store_->get(key);
    if (record.contains("tags")) {
      // OR-set element: the union of the tags.
      Json merged = e ? e->record : Json({{"element", record["element"]}, {"tags", Json::array()}});
      bool grew = false;
      for (const Json& t : record["tags"]) {
        observe(Stamp::of(t));
        if (std::find(merged["tags"].begin(), merged["tags"].end(), t) == merged["tags"].end()) {
          merged["tags"].push_back(t);
          grew = true;
        }
      }
      return grew ? store_->put(key, merged) : (e ? e->seq : 0);
    }
    Stamp incoming = Stamp::of(record["stamp"]);
    observe(incoming);
    if (e && !(Stamp::of(e->record["stamp"]) < incoming)) return e->seq;  // ours wins
    return store_->put(key, record);
  }

  Stamp next_stamp() {
    std::lock_guard<std::mutex> lock(clock_mu_);
    Stamp s;
    s.node = node_.name;
    s.seq = ++seq_;
    if (clock_ == "wall") {
      s.t = wall_us();
    } else if (clock_ == "lamport") {
      s.t = ++lamport_;
    } else {
      std::int64_t before = hlc_l_;
      hlc_l_ = std::max(hlc_l_, wall_us());
      hlc_c_ = hlc_l_ == before ? hlc_c_ + 1 : 0;
      s.t = hlc_l_;
      s.c = hlc_c_;
    }
    return s;
  }

  // A stamp seen in a message moves the logical clocks past it.
  void observe(const Stamp& m) {
    std::lock_guard<std::mutex> lock(clock_mu_);
    if (clock_ == "lamport") {
      lamport_ = std::max(lamport_, m.t);
    } else if (clock_ == "hlc") {
      std::int64_t before = hlc_l_;
      hlc_l_ = std::max({before, m.t, wall_us()});
      if (hlc_l_ == before && hlc_l_ == m.t) hlc_c_ = std::max(hlc_c_, m.c) + 1;
      else if (hlc_l_ == before) hlc_c_ += 1;
      else if (hlc_l_ == m.t) hlc_c_ = m.c + 1;
      else hlc_c_ = 0;
    }
  }

  // Gossip: every 50 ms (sooner after a write), every key changed since the
  // peer last took our changes, as it is now.
  void gossip_to(const std::string& peer) {
    std::uint64_t acked = 0;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(wake_mu_);
        changed_.wait_for(lock, std::chrono::milliseconds(50));
      }
      auto [changed, upto] = store_->since_at(acked);
      if (changed.empty()) continue;
      store_->sync(upto);
      Json records = Json::array();
      for (const auto& [key, entry] : changed) records.push_back({key, entry.record});
      // Gossip is not in any client's path: a generous timeout, so a big
      // batch after a long partition gets through a loaded machine.
      Call c = node_.peers->call(peer, "/peer/lww/merge", {{"records", records}}, std::chrono::milliseconds(2000));
      if (c.ok()) acked = upto;
      else std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  std::string clock_;
  bool crdt_ = false;
  std::unique_ptr<Store> store_;
  std::mutex mu_, clock_mu_, wake_mu_;
  std::condition_variable changed_;
  std::int64_t seq_ = 0, lamport_ = 0, hlc_l_ = 0, hlc_c_ = 0;
};

}  // namespace

std::unique_ptr<Design> make_lww(Node& node) { return std::make_unique<Lww>(node); }

}  // namespace course
