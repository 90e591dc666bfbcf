// `quorum`: Dynamo-style replication without a leader. Each key lives on N
// nodes (its preference list: N consecutive nodes of the --peers ring,
// starting at the key's hash); whichever node a client contacts coordinates.
// Values carry versions (counter, node, tag), ordered in that order; the tag
// (this run of the node, and its count of writes) makes every version
// unique, even for concurrent writes coordinated by one node.
//   write: ask R replicas for the key's highest version, stamp the value one
//          higher, send it to all N and answer once W have stored it
//          (replicas keep a record only if it is newer than theirs);
//   read:  ask the N replicas, answer the highest version among the first R;
//   --read-repair none|async|sync: afterwards, also send that version to
//          replicas that answered older ones (async), or write it back to W
//          replicas before answering (sync: ABD's read write-back, Attiya,
//          Bar-Noy and Dolev, 1995);
//   --sloppy: when preference-list nodes cannot be reached, use the next
//          reachable nodes of the ring instead (sloppy quorum) — a write
//          lands there as a hint, kept apart from the node's own data and
//          handed to its owner later (hinted handoff, DeCandia et al., 2007).
// Only W + R > N with --read-repair sync and no --sloppy is linearizable
// (ABD); the table's other rows break it by themselves.
#include <algorithm>
#include <atomic>
#include <functional>
#include <thread>

#include "design.h"

namespace course {
namespace {

struct Version {
  std::int64_t counter = 0;
  std::string node;
  std::int64_t tag = 0;
  bool operator<(const Version& o) const {
    if (counter != o.counter) return counter < o.counter;
    if (node != o.node) return node < o.node;
    return tag < o.tag;
  }
};

// A stored record: {"value": v, "counter": c, "node": n, "tag": t}; null = never written.
Version version_of(const Json& record) {
  if (!record.is_object()) return {};
  return {record.value("counter", std::int64_t{0}), record.value("node", ""), record.value("tag", std::int64_t{0})};
}

class Quorum : public Design {
 public:
  explicit Quorum(Node& node) : Design(node) {
    const Flags& f = *node.flags;
    n_ = static_cast<std::size_t>(f.integer("n", 3, 1, 100));
    r_ = static_cast<std::size_t>(f.integer("r", static_cast<std::int64_t>(n_ / 2 + 1), 1, 100));
    w_ = static_cast<std::size_t>(f.integer("w", static_cast<std::int64_t>(n_ / 2 + 1), 1, 100));
    repair_ = f.choice("read-repair", "none", {"none", "async", "sync"});
    sloppy_ = f.on("sloppy");
    if (r_ > n_ || w_ > n_) throw FlagError("--r and --w must be at most --n");
  }
  std::string name() const override { return "quorum"; }
  Promises promises() const override { return {r_ + w_ > n_ && repair_ == "sync" && !sloppy_, {"read", "write"}}; }

  void start() override {
    if (n_ > node_.members.size())
      throw FlagError("--n " + std::to_string(n_) + " needs at least that many nodes, and --peers has " +
                      std::to_string(node_.members.size()));
    store_ = std::make_unique<Store>(node_.data_dir, "quorum", node_.durability);
    hints_ = std::make_unique<Store>(node_.data_dir, "quorum-hints", node_.durability);
    // Each run of the node tags its versions apart from every earlier run's.
    std::int64_t run = store_->meta("runs", 0).get<std::int64_t>() + 1;
    store_->sync(store_->put_meta("runs", run));
    next_tag_ = run << 32;
    if (sloppy_) std::thread([this] { hand_off(); }).detach();
  }

  void peer_routes(Router& r) override {
    r.post("/peer/quorum/get", [this](const Json& b) { return local_get(b); });
    r.post("/peer/quorum/put", [this](const Json& b) { return local_put(b); });
    r.post("/peer/quorum/hint", [this](const Json& b) { return local_hint(b); });
  }

  Reply read(const std::string& key) override {
    std::vector<Call> answers = read_quorum(key);
    if (answers.size() < r_)
      return unavailable("only " + std::to_string(answers.size()) + " of R=" + std::to_string(r_) + " replicas answered");
    Json best;
    for (const Call& c : answers)
      if (version_of(best) < version_of(c.body["record"])) best = c.body["record"];
    Json put = {{"key", key}, {"record", best}};
    if (!best.is_null() && repair_ == "async") {
      for (const Call& c : answers)
        if (version_of(c.body["record"]) < version_of(best)) {
          if (c.peer == node_.name) local_put(put);
          else node_.peers->post_async(c.peer, "/peer/quorum/put", put);
        }
    } else if (!best.is_null() && repair_ == "sync") {
      // ABD: no read returns a version before W replicas hold it, so no
      // later read can return an older one.
      std::size_t acks = count_ok(ask(preference_list(key), "/peer/quorum/put", put, w_));
      if (acks < w_)
        return unavailable("the write-back reached " + std::to_string(acks) + " of W=" + std::to_string(w_) + " replicas");
    }
    return ok({{"value", best.is_object() ? best["value"] : Json()}});
  }

  Reply write(const std::string& key, const Json& value) override {
    std::vector<Call> answers = read_quorum(key);
    if (answers.size() < r_)
      return unavailable("only " + std::to_string(answers.size()) + " of R=" + std::to_string(r_) +
                         " replicas answered the version query; nothing was written");
    Version highest;
    for (const Call& c : answers) highest = std::max(highest, version_of(c.body["record"]));
    Json put = {{"key", key},
                {"record", {{"value", value}, {"counter", highest.counter + 1}, {"node", node_.name}, {"tag", next_tag_++}}}};
    std::vector<std::string> prefs = preference_list(key);
    std::vector<Call> acks = ask(prefs, "/peer/quorum/put", put, w_);
    std::size_t stored = count_ok(acks);
    if (stored < w_ && sloppy_) {
      // Sloppy quorum: for each owner that did not store it, the next
      // reachable node of the ring keeps it as a hint for that owner.
      std::vector<std::string> stand_ins = fallbacks(key);
      for (const Call& c : acks) {
        if (c.ok() || stored >= w_) continue;
        while (!stand_ins.empty()) {
          std::string s = stand_ins.front();
          stand_ins.erase(stand_ins.begin());
          Json hint = {{"key", key}, {"record", put["record"]}, {"for", c.peer}};
          if (count_ok(ask({s}, "/peer/quorum/hint", hint, 1)) == 1) {
            ++stored;
            break;
          }
        }
      }
    }
    if (stored >= w_) return ok();
    return uncertain("only " + std::to_string(stored) + " of W=" + std::to_string(w_) +
                     " replicas confirmed; the write may be on some of them");
  }

  Json health() override {
    return {{"role", "coordinator"}, {"n", n_}, {"r", r_}, {"w", w_}, {"read_repair", repair_}, {"sloppy", sloppy_}};
  }

 private:
  std::vector<std::string> ring_from(const std::string& key) const {
    std::vector<std::string> all = node_.everyone();
    std::size_t start = std::hash<std::string>()(key) % all.size();
    std::rotate(all.begin(), all.begin() + static_cast<long>(start), all.end());
    return all;
  }
  std::vector<std::string> preference_list(const std::string& key) const {
    auto ring = ring_from(key);
    ring.resize(n_);
    return ring;
  }
  std::vector<std::string> fallbacks(const std::string& key) const {
    auto ring = ring_from(key);
    return std::vector<std::string>(ring.begin() + static_cast<long>(n_), ring.end());
  }

  // The ok answers of R replicas (with --sloppy, topped up from the rest of the ring).
  std::vector<Call> read_quorum(const std::string& key) {
    Json get = {{"key", key}};
    std::vector<Call> good;
    for (Call& c : ask(preference_list(key), "/peer/quorum/get", get, r_))
      if (c.ok()) good.push_back(std::move(c));
    if (good.size() < r_ && sloppy_)
      for (Call& c : ask(fallbacks(key), "/peer/quorum/get", get, r_ - good.size()))
        if (c.ok()) good.push_back(std::move(c));
    if (good.size() > r_) good.resize(r_);
    return good;
  }

  // Calls path on `nodes` (this node directly, the others over HTTP) and
  // returns once `need` answered 200; the rest carry on in the background.
  std::vector<Call> ask(const std::vector<std::string>& nodes, const std::string& path, const Json& body,
                        std::size_t need) {
    std::vector<Call> out;
    std::vector<std::string> others;
    for (const std::string& n : nodes) {
      if (n != node_.name) {
        others.push_back(n);
        continue;
      }
      Reply r = path == "/peer/quorum/get" ? local_get(body) : path == "/peer/quorum/put" ? local_put(body) : local_hint(body);
      Call c;
      c.peer = n;
      c.failure = Call::Failure::None;
      c.status = r.status;
      c.body = r.body;
      out.push_back(c);
    }
    std::size_t have = count_ok(out);
    if (!others.empty()) {
      for (Call& c : node_.peers->fan_out(others, path, body, need > have ? need - have : 0)) out.push_back(std::move(c));
    }
    return out;
  }
  static std::size_t count_ok(const std::vector<Call>& calls) {
    return static_cast<std::size_t>(std::count_if(calls.begin(), calls.end(), [](const Call& c) { return c.ok(); }));
  }

  Reply local_get(const Json& b) {
    auto e = store_->get(b.value("key", ""));
    if (!e) return ok({{"record", nullptr}});
    store_->sync(e->seq);
    return ok({{"record", e->record}});
  }
  // A replica stores a record only if it is newer than the one it has.
  Reply local_put(const Json& b) {
    std::string key = b.value("key", "");
    const Json& record = b["record"];
    std::uint64_t seq = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto e = store_->get(key);
      if (!e || version_of(e->record) < version_of(record)) seq = store_->put(key, record);
      else seq = e->seq;
    }
    store_->sync(seq);
    return ok();
  }
  // A hint: kept apart from this node's own data (reads never see it) until
  // its owner takes it.
  Reply local_hint(const Json& b) {
    std::string id = b.value("for", "") + "\x1f" + b.value("key", "");
    std::uint64_t seq = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto e = hints_->get(id);
      if (!e || e->record.is_null() || version_of(e->record["record"]) < version_of(b["record"]))
        seq = hints_->put(id, {{"for", b["for"]}, {"key", b["key"]}, {"record", b["record"]}});
      else seq = e->seq;
    }
    hints_->sync(seq);
    return ok();
  }

  // Hinted handoff: every 100 ms, offer each hint to its owner; a delivered
  // hint is cleared (null).
  void hand_off() {
    for (;;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      for (const auto& [id, hint] : hints_->snapshot()) {
        if (hint.is_null()) continue;
        Call c = node_.peers->call(hint["for"].get<std::string>(), "/peer/quorum/put",
                                   {{"key", hint["key"]}, {"record", hint["record"]}});
        if (!c.ok()) continue;
        std::lock_guard<std::mutex> lock(mu_);
        auto now = hints_->get(id);
        if (now && now->record == hint) hints_->sync(hints_->put(id, nullptr));
      }
    }
  }

  std::atomic<std::int64_t> next_tag_{0};
  std::size_t n_ = 3, r_ = 2, w_ = 2;
  std::string repair_;
  bool sloppy_ = false;
  std::mutex mu_;
  std::unique_ptr<Store> store_, hints_;
};

}  // namespace

std::unique_ptr<Design> make_quorum(Node& node) { return std::make_unique<Quorum>(node); }

}  // namespace course
