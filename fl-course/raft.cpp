// `raft`: a replicated register store on Raft — Ongaro & Ousterhout, "In
// Search of an Understandable Consensus Algorithm" (USENIX ATC 2014). The
// figure numbers below are that paper's. Leader election with randomized
// timeouts (§5.2), log replication with the consistency check (§5.3),
// commit only of a current-term entry counted on a majority (§5.4.2), term,
// vote and log on disk before any answer (Figure 2), and reads that go
// through the leader only after it has committed an entry of its term and
// confirmed with a majority that it still leads (§8, the ReadIndex of
// Ongaro's thesis). Writes, cas and adds are log entries, applied in log
// order to an in-memory map rebuilt from the snapshot and the log after a
// restart. Log compaction (§7): once `--snapshot-entries` applied entries
// follow the last snapshot (and more entries than the map has keys, so that
// writing the map costs at most a few bytes per entry since the last one),
// the node snapshots the map and drops the log before it, in memory and on
// disk; a leader sends its snapshot (InstallSnapshot, Figure 13, in one
// message) to a follower that needs an entry it no longer has.
//
// A follower relays a client's request to the leader it knows, as etcd does,
// and answers 503 naming that leader when it knows none or cannot reach it
// (`--followers refuse`: always answer 503 naming the leader, and let the
// client go there). A request whose
// entry may still commit is never refused: the leader waits until the
// entry's index is committed and answers with its result — or, if another
// term's entry took that index, 503 (certainly not applied) — and 504 if
// the wait runs out.
//
// Deliberate bugs (--bug): `stale-read` answers reads from the leader's own
// state without confirming it still leads (a deposed leader serves old
// values); `early-ack` acknowledges a write or add once the leader alone has
// it on disk (a new leader may never have it); `no-persist` keeps term, vote
// and log only in memory (a restarted node forgets its vote and what it
// acknowledged); `relay-retry` has a follower send a relayed request to the
// leader once more when no answer came within 100 ms — but no answer yet is
// not "not received": a request that was only late is applied twice (a cas
// applies, and its second copy answers that it failed; a write comes back
// after a later one). Without late packets the leader answers well inside
// 100 ms.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "design.h"
#include "local_kv.h"
#include "memory_return.h"
#include "raft_rules.h"

namespace course {
namespace {

using Clock = std::chrono::steady_clock;
using Ms = std::chrono::milliseconds;

// How long a client request may wait for its entry to commit or for the
// leader to confirm a read before it is answered 504 / 503.
constexpr Ms kRequestWait{2000};
// Entries per AppendEntries at most (a follower far behind catches up in
// several round trips, each a bounded body).
constexpr std::uint64_t kBatch = 1024;

// On the wire an entry is [term, command], the command a JSON value.
Json entry_json(const LogEntry& e) { return Json::array({e.term, Json::parse(e.command)}); }

AppendRequest parse_append(const Json& b) {
  AppendRequest r;
  r.term = b.at("term").get<std::uint64_t>();
  r.leader = b.at("leader").get<std::string>();
  r.prev_index = b.at("prev_index").get<std::uint64_t>();
  r.prev_term = b.at("prev_term").get<std::uint64_t>();
  r.leader_commit = b.at("commit").get<std::uint64_t>();
  for (const Json& e : b.at("entries")) r.entries.push_back({e.at(0).get<std::uint64_t>(), e.at(1).dump(), 0});
  return r;
}

class Raft : public Design {
 public:
  explicit Raft(Node& node) : Design(node) {
    bug_ = node.flags->text("bug", "");
    if (!bug_.empty() && bug_ != "stale-read" && bug_ != "early-ack" && bug_ != "no-persist" && bug_ != "relay-retry")
      throw FlagError("--bug must be one of stale-read, early-ack, no-persist, relay-retry, not \"" + bug_ + "\"");
    forward_ = node.flags->choice("followers", "relay", {"relay", "refuse"}) == "relay";
    election_ms_ = node.flags->integer("election-ms", 300, 20, 60000);
    heartbeat_ms_ = node.flags->integer("heartbeat-ms", 50, 5, 60000);
    snapshot_entries_ = static_cast<std::uint64_t>(node.flags->integer("snapshot-entries", 10000, 0, 1000000000));
    if (2 * heartbeat_ms_ > election_ms_) throw FlagError("--heartbeat-ms must be at most half of --election-ms");
  }
  std::string name() const override { return "raft"; }
  // The bug knobs break these promises; they do not withdraw them.
  Promises promises() const override { return {true, {"read", "write", "cas", "add"}, linearizable_guarantees()}; }

  void start() override {
    Durability d = bug_ == "no-persist" ? Durability::None : node_.durability;
    log_ = std::make_unique<RaftLog>(node_.data_dir, d);
    rng_.seed(std::random_device{}() ^ std::hash<std::string>()(node_.name));
    if (!log_->note().empty()) std::fprintf(stderr, "raft %s: %s\n", node_.name.c_str(), log_->note().c_str());
    restore(log_->snapshot());
    std::fprintf(stderr, "raft %s: term %llu, snapshot to %llu, entries to %llu loaded\n", node_.name.c_str(),
                 static_cast<unsigned long long>(log_->term()), static_cast<unsigned long long>(log_->snapshot_index()),
                 static_cast<unsigned long long>(log_->last_index()));
    for (const std::string& p : node_.others()) peers_[p] = Peer{};
    memory_return_ = std::make_unique<MemoryReturn>("raft " + node_.name);
    memory_return_->request();  // what loading the snapshot and the WAL used
    reset_election_timer();
    std::thread([this] { tick_loop(); }).detach();
    for (const std::string& p : node_.others()) std::thread([this, p] { replicate_loop(p); }).detach();
  }

  void peer_routes(Router& r) override {
    r.post("/peer/raft/vote", [this](const Json& b) { return on_vote(b); });
    r.post("/peer/raft/append", [this](const Json& b) { return on_append(b); });
    r.post("/peer/raft/snapshot", [this](const Json& b) { return on_snapshot(b); });
    // A follower's relayed client request; never relayed again.
    r.post("/peer/raft/op", [this](const Json& op) { return serve(op, false); });
  }

  Json health() override {
    std::lock_guard<std::mutex> lock(mu_);
    return {{"role", role_name()}, {"primary", role_ == Role::Leader}, {"term", log_->term()}, {"leader", leader_},
            {"commit", commit_}, {"applied", applied_}, {"snapshot", log_->snapshot_index()}, {"last", log_->last_index()}};
  }

  // A request is the log entry's command as it is: {"f", "key", …}.
  Reply read(const std::string& key) override { return serve({{"f", "read"}, {"key", key}}, true); }
  Reply write(const std::string& key, const Json& v) override {
    return serve({{"f", "write"}, {"key", key}, {"value", v}}, true);
  }
  Reply cas(const std::string& key, const Json& from, const Json& to) override {
    return serve({{"f", "cas"}, {"key", key}, {"from", from}, {"to", to}}, true);
  }
  Reply add(const std::string& key, const Json& v) override {
    return serve({{"f", "add"}, {"key", key}, {"value", v}}, true);
  }

 private:
  enum class Role { Follower, Candidate, Leader };
  // The leader's view of one follower (Figure 2: nextIndex, matchIndex),
  // plus what the replicator needs to pace itself and to confirm reads.
  struct Peer {
    std::uint64_t next = 1, match = 0;
    std::uint64_t read_sent = 0;  // read_seq_ when the last request left
    std::uint64_t read_ack = 0;   // the highest read_sent the follower answered in our term
    Clock::time_point last_sent{}, retry_at{};
  };
  // A client request waiting for its entry (index, term) to be applied.
  struct Waiter {
    std::uint64_t term = 0;
    bool done = false;
    Reply reply;
  };

  const char* role_name() const {
    return role_ == Role::Leader ? "leader" : role_ == Role::Candidate ? "candidate" : "follower";
  }
  std::size_t majority() const { return node_.members.size() / 2 + 1; }
  void reset_election_timer() {
    std::uniform_int_distribution<std::int64_t> d(election_ms_, 2 * election_ms_);
    election_deadline_ = Clock::now() + Ms(d(rng_));
  }
  // Under mu_, after a change another thread may be waiting for.
  void wake_all() {
    changed_.notify_all();
    repl_cv_.notify_all();
  }

  // --- the client's requests ---------------------------------------------

  Reply serve(const Json& op, bool may_forward) {
    std::string f = op.is_object() ? op.value("f", "") : "";
    if ((f != "read" && f != "write" && f != "cas" && f != "add") || !op.contains("key") || !op["key"].is_string())
      return bad_request("a request needs \"f\" (read, write, cas or add) and a \"key\"");
    std::unique_lock<std::mutex> lk(mu_);
    // During an election nobody leads for a moment: wait for a leader (up to
    // two election timeouts) rather than turn the client away at once.
    changed_.wait_for(lk, Ms(2 * election_ms_), [&] { return role_ == Role::Leader || !leader_.empty(); });
    if (role_ != Role::Leader) {
      std::string leader = leader_;
      lk.unlock();
      if (may_forward && forward_ && !leader.empty() && leader != node_.name) {
        if (bug_ == "relay-retry") return relay_with_retries(op, leader);
        return relay(node_.peers->call(leader, "/peer/raft/op", op, kRequestWait + Ms(500)), leader);
      }
      return unavailable(leader.empty() ? "no leader is known" : "not the leader", leader);
    }
    if (f == "read") return read_index(lk, op["key"].get<std::string>());
    return propose(lk, op);
  }

  // The relay-retry bug: no answer within 100 ms (a refused connection
  // too), and the same request goes once more, whose answer is the one the
  // client gets. Both attempts may have reached the leader and been applied.
  Reply relay_with_retries(const Json& op, const std::string& leader) {
    Call first = node_.peers->call(leader, "/peer/raft/op", op, Ms(100));
    if (first.answered()) return relay(first, leader);
    return relay(node_.peers->call(leader, "/peer/raft/op", op, kRequestWait), leader);
  }

  // A write, cas or add: one log entry, answered with its result once it is
  // applied (Figure 2, rules for leaders: "respond after entry applied to
  // state machine").
  Reply propose(std::unique_lock<std::mutex>& lk, const Json& op) {
    std::uint64_t term = log_->term(), index = log_->last_index() + 1;
    std::uint64_t ticket = log_->append({{term, op.dump(), 0}});
    Waiter w;
    w.term = term;
    auto it = waiters_.emplace(index, &w);
    repl_cv_.notify_all();
    lk.unlock();
    log_->sync(ticket);
    lk.lock();
    log_->synced(ticket);
    advance_commit();
    std::string f = op.value("f", "");
    if (bug_ == "early-ack" && (f == "write" || f == "add")) {
      // The bug: the leader alone has it; nothing says a majority ever will.
      if (!w.done) waiters_.erase(it);
      return ok();
    }
    changed_.wait_until(lk, Clock::now() + kRequestWait, [&] { return w.done; });
    if (w.done) return w.reply;
    waiters_.erase(it);
    return uncertain("entry " + std::to_string(index) + " of term " + std::to_string(term) +
                     " not committed in time; it may still be");
  }

  // §8: a read is answered by a leader that has committed an entry of its
  // own term (so it knows every committed entry) and has heard from a
  // majority, after the read arrived, that it still leads; then from its
  // state once that has applied the commit index it read.
  Reply read_index(std::unique_lock<std::mutex>& lk, const std::string& key) {
    if (bug_ == "stale-read") return ok({{"value", value_of(key)}});  // the bug: no confirmation
    std::uint64_t term = log_->term();
    auto deadline = Clock::now() + kRequestWait;
    auto deposed = [&] { return role_ != Role::Leader || log_->term() != term; };
    changed_.wait_until(lk, deadline, [&] { return deposed() || commit_ >= term_start_; });
    if (deposed()) return unavailable("lost the leadership", leader_);
    if (commit_ < term_start_) return unavailable("no entry of this term committed yet", node_.name);
    std::uint64_t read_at = commit_, seq = ++read_seq_;
    repl_cv_.notify_all();
    changed_.wait_until(lk, deadline, [&] { return deposed() || (confirmed(seq) && applied_ >= read_at); });
    if (deposed()) return unavailable("lost the leadership", leader_);
    if (!confirmed(seq) || applied_ < read_at) return unavailable("a majority did not confirm the leadership", node_.name);
    return ok({{"value", value_of(key)}});
  }

  bool confirmed(std::uint64_t seq) const {
    std::size_t acks = 1;
    for (const auto& [name, p] : peers_) acks += p.read_ack >= seq;
    return acks >= majority();
  }

  Json value_of(const std::string& key) const {
    auto it = kv_.find(key);
    return it == kv_.end() ? Json() : *it;
  }

  // --- the state machine ---------------------------------------------------

  Reply apply(const Json& op) {
    std::string f = op.value("f", ""), key = op.value("key", "");
    if (f == "write") {
      kv_[key] = op.value("value", Json());
      return ok();
    }
    if (f == "cas") {
      Json current = value_of(key), from = op.value("from", Json());
      if (current != from) return refused("the value is " + current.dump() + ", not " + from.dump());
      kv_[key] = op.value("to", Json());
      return ok();
    }
    if (f == "add") {
      Json& set = kv_[key];
      if (!set.is_array()) set = Json::array();
      Json v = op.value("value", Json());
      if (std::find(set.begin(), set.end(), v) == set.end()) set.push_back(v);
      return ok();
    }
    return ok();  // the leader's no-op
  }

  // Applies every committed entry not applied yet, and answers the requests
  // waiting for them: their result if the entry at their index is theirs,
  // 503 if another leader's entry took the index (theirs can never commit).
  void apply_committed() {
    while (applied_ < commit_) {
      ++applied_;
      const LogEntry& e = log_->at(applied_);
      Reply r = apply(Json::parse(e.command));
      auto range = waiters_.equal_range(applied_);
      for (auto it = range.first; it != range.second; ++it) {
        Waiter* w = it->second;
        w->reply = w->term == e.term ? r : unavailable("a newer leader's entry took its place", leader_);
        w->done = true;
      }
      waiters_.erase(range.first, range.second);
    }
    changed_.notify_all();
    maybe_snapshot();
  }

  // §7: the applied state replaces the log up to the last applied entry,
  // once enough entries have been applied since the last snapshot.
  void maybe_snapshot() {
    std::uint64_t since = applied_ - log_->snapshot_index();
    if (snapshot_entries_ == 0 || since <= snapshot_entries_ || since <= kv_.size()) return;
    Snapshot s{applied_, log_->term_at(applied_), kv_.dump()};
    std::size_t bytes = s.state.size();
    log_->save_snapshot(std::move(s));
    std::fprintf(stderr, "raft %s: snapshot to %llu (%zu keys, %zu bytes), log %llu..%llu\n", node_.name.c_str(),
                 static_cast<unsigned long long>(applied_), kv_.size(), bytes,
                 static_cast<unsigned long long>(log_->first_index()),
                 static_cast<unsigned long long>(log_->last_index()));
    // What the log held is free now, but malloc keeps it (memory_return.h).
    memory_return_->request();
  }

  // The state machine as the snapshot left it (Figure 13, step 8).
  void restore(const Snapshot& s) {
    kv_ = s.state.empty() ? Json::object() : Json::parse(s.state);
    commit_ = std::max(commit_, s.index);
    applied_ = s.index;
  }

  void advance_commit() {
    if (role_ != Role::Leader) return;
    std::vector<std::uint64_t> match = {log_->durable_index()};
    for (const auto& [name, p] : peers_) match.push_back(p.match);
    std::uint64_t c = leader_commit(*log_, log_->term(), commit_, match);
    if (c > commit_) {
      commit_ = c;
      apply_committed();
    }
  }

  // --- roles ---------------------------------------------------------------

  void become_follower(std::uint64_t term, const std::string& leader) {
    if (term > log_->term()) log_->set_hard_state(term, "");
    if (role_ != Role::Follower)
      std::fprintf(stderr, "raft %s: follower in term %llu\n", node_.name.c_str(), static_cast<unsigned long long>(term));
    role_ = Role::Follower;
    leader_ = leader;
    reset_election_timer();
    wake_all();
  }

  void tick_loop() {
    for (;;) {
      std::this_thread::sleep_for(Ms(5));
      std::unique_lock<std::mutex> lk(mu_);
      if (role_ != Role::Leader && Clock::now() >= election_deadline_) campaign(lk);
    }
  }

  // §5.2: a follower that hears from no leader for an election timeout
  // votes for itself in a new term and asks every other server for its vote.
  void campaign(std::unique_lock<std::mutex>& lk) {
    role_ = Role::Candidate;
    leader_.clear();
    std::uint64_t term = log_->term() + 1;
    std::uint64_t ticket = log_->set_hard_state(term, node_.name);
    reset_election_timer();
    Json req = {{"term", term}, {"candidate", node_.name}, {"last_index", log_->last_index()},
                {"last_term", log_->last_term()}};
    lk.unlock();
    log_->sync(ticket);  // our own vote is on disk before anyone counts on it
    std::vector<Call> calls;
    if (!peers_.empty())
      calls = node_.peers->fan_out(node_.others(), "/peer/raft/vote", req, majority() - 1, Ms(election_ms_),
                                   [](const Call& c) { return c.ok() && c.body.value("granted", false); });
    lk.lock();
    log_->synced(ticket);
    if (role_ != Role::Candidate || log_->term() != term) return;
    std::size_t votes = 1;
    for (const Call& c : calls) {
      if (!c.ok() || !c.body.is_object()) continue;
      std::uint64_t t = c.body.value("term", std::uint64_t{0});
      if (t > term) return become_follower(t, "");
      if (t == term && c.body.value("granted", false)) ++votes;
    }
    if (votes >= majority()) become_leader(lk);
  }

  void become_leader(std::unique_lock<std::mutex>& lk) {
    role_ = Role::Leader;
    leader_ = node_.name;
    std::uint64_t term = log_->term();
    for (auto& [name, p] : peers_) {
      p.next = log_->last_index() + 1;
      p.match = 0;
      p.read_ack = p.read_sent = 0;
      p.retry_at = Clock::now();
    }
    // §8: a no-op entry of the new term, so the leader learns (by
    // committing it) which entries are committed, before it serves reads.
    term_start_ = log_->last_index() + 1;
    std::uint64_t ticket = log_->append({{term, Json{{"f", "noop"}}.dump(), 0}});
    std::fprintf(stderr, "raft %s: leader of term %llu\n", node_.name.c_str(), static_cast<unsigned long long>(term));
    wake_all();
    lk.unlock();
    log_->sync(ticket);
    lk.lock();
    log_->synced(ticket);
    advance_commit();
  }

  // The leader's replication to one follower: AppendEntries with what the
  // follower lacks, or an empty one as a heartbeat, one at a time; each
  // answer in our term also confirms our leadership for reads.
  void replicate_loop(const std::string& name) {
    std::unique_lock<std::mutex> lk(mu_);
    Peer& p = peers_.at(name);
    for (;;) {
      if (role_ != Role::Leader) {
        repl_cv_.wait_for(lk, Ms(heartbeat_ms_));
        continue;
      }
      auto now = Clock::now();
      auto heartbeat_due = p.last_sent + Ms(heartbeat_ms_);
      if (now < p.retry_at) {  // the last call failed: not before the pause after it
        repl_cv_.wait_until(lk, p.retry_at);
        continue;
      }
      if (p.next > log_->last_index() && now < heartbeat_due && read_seq_ <= p.read_sent) {
        repl_cv_.wait_until(lk, heartbeat_due);
        continue;
      }
      std::uint64_t term = log_->term();
      if (p.next <= log_->snapshot_index()) {
        send_snapshot(lk, name, p, now);
        continue;
      }
      std::uint64_t prev = std::min(p.next - 1, log_->last_index());
      std::uint64_t last = std::min(log_->last_index(), prev + kBatch);
      Json entries = Json::array();
      for (std::uint64_t i = prev + 1; i <= last; ++i) entries.push_back(entry_json(log_->at(i)));
      Json req = {{"term", term},      {"leader", node_.name}, {"prev_index", prev}, {"prev_term", log_->term_at(prev)},
                  {"commit", commit_}, {"entries", std::move(entries)}};
      std::uint64_t read_snapshot = read_seq_;
      p.read_sent = read_snapshot;
      p.last_sent = now;
      lk.unlock();
      Call c = node_.peers->call(name, "/peer/raft/append", req);
      lk.lock();
      if (role_ != Role::Leader || log_->term() != term) continue;
      if (!c.ok() || !c.body.is_object()) {
        p.retry_at = Clock::now() + Ms(heartbeat_ms_);
        continue;
      }
      std::uint64_t t = c.body.value("term", std::uint64_t{0});
      if (t > term) {
        become_follower(t, "");
        continue;
      }
      p.read_ack = std::max(p.read_ack, read_snapshot);
      if (c.body.value("success", false)) {
        p.match = std::max(p.match, c.body.value("match", std::uint64_t{0}));
        p.next = p.match + 1;
        advance_commit();
      } else {
        std::uint64_t hint = c.body.value("conflict", std::uint64_t{1});
        p.next = std::max<std::uint64_t>(1, std::min(hint, p.next > 1 ? p.next - 1 : 1));
      }
      changed_.notify_all();
    }
  }

  // InstallSnapshot (Figure 13, the whole snapshot in one message) to a
  // follower that needs entries this log no longer holds. Under mu_, which
  // it releases during the call.
  void send_snapshot(std::unique_lock<std::mutex>& lk, const std::string& name, Peer& p, Clock::time_point now) {
    std::uint64_t term = log_->term();
    const Snapshot& s = log_->snapshot();
    std::uint64_t index = s.index;
    // A bigger message than AppendEntries: a longer wait, growing with it.
    Ms timeout = node_.peers->timeouts().request + Ms(static_cast<std::int64_t>(s.state.size() >> 16));
    Json req = {{"term", term}, {"leader", node_.name}, {"index", s.index}, {"last_term", s.term}, {"state", s.state}};
    std::uint64_t read_snapshot = read_seq_;
    p.read_sent = read_snapshot;
    p.last_sent = now;
    std::fprintf(stderr, "raft %s: sending the snapshot to %llu to %s\n", node_.name.c_str(),
                 static_cast<unsigned long long>(index), name.c_str());
    lk.unlock();
    Call c = node_.peers->call(name, "/peer/raft/snapshot", req, timeout);
    lk.lock();
    if (role_ != Role::Leader || log_->term() != term) return;
    if (!c.ok() || !c.body.is_object()) {
      p.retry_at = Clock::now() + Ms(heartbeat_ms_);
      return;
    }
    std::uint64_t t = c.body.value("term", std::uint64_t{0});
    if (t > term) return become_follower(t, "");
    p.read_ack = std::max(p.read_ack, read_snapshot);
    p.match = std::max(p.match, index);
    p.next = p.match + 1;
    advance_commit();
    changed_.notify_all();
  }

  // --- the RPCs (receivers of Figure 2) -----------------------------------

  Reply on_vote(const Json& b) {
    VoteRequest r;
    r.term = b.at("term").get<std::uint64_t>();
    r.candidate = b.at("candidate").get<std::string>();
    r.last_index = b.at("last_index").get<std::uint64_t>();
    r.last_term = b.at("last_term").get<std::uint64_t>();
    std::unique_lock<std::mutex> lk(mu_);
    std::uint64_t before = log_->term();
    VoteAnswer a = receive_vote(*log_, r);
    if (a.term > before) become_follower(a.term, "");
    if (a.granted) reset_election_timer();
    if (a.ticket) {
      log_->sync(a.ticket);  // the vote is on disk before the candidate hears of it
      log_->synced(a.ticket);
    }
    return ok({{"term", a.term}, {"granted", a.granted}});
  }

  Reply on_append(const Json& b) {
    AppendRequest r = parse_append(b);
    std::unique_lock<std::mutex> lk(mu_);
    AppendAnswer a = receive_append(*log_, r);
    if (log_->last_index() < commit_)  // only a node that forgot its log (no-persist) lives to see this
      std::fprintf(stderr, "raft %s: leader %s cut committed entries (log ends at %llu, commit %llu)\n",
                   node_.name.c_str(), r.leader.c_str(), static_cast<unsigned long long>(log_->last_index()),
                   static_cast<unsigned long long>(commit_));
    if (r.term == a.term) {
      // The sender leads this term: follow it (a candidate of this term
      // gives up, §5.2), and hear no election timeout while it is heard.
      if (role_ == Role::Leader)
        std::fprintf(stderr, "raft %s: two leaders in term %llu (%s)\n", node_.name.c_str(),
                     static_cast<unsigned long long>(r.term), r.leader.c_str());
      if (role_ != Role::Follower || leader_ != r.leader) become_follower(r.term, r.leader);
      reset_election_timer();
    }
    if (a.ticket) {
      log_->sync(a.ticket);  // what we acknowledge is on disk
      log_->synced(a.ticket);
    }
    if (a.success) {
      std::uint64_t c = follower_commit(commit_, r);
      if (c > commit_) {
        commit_ = c;
        apply_committed();
      }
    }
    return ok({{"term", a.term}, {"success", a.success}, {"match", a.match}, {"conflict", a.conflict}});
  }

  Reply on_snapshot(const Json& b) {
    SnapshotRequest r;
    r.term = b.at("term").get<std::uint64_t>();
    r.leader = b.at("leader").get<std::string>();
    r.snapshot.index = b.at("index").get<std::uint64_t>();
    r.snapshot.term = b.at("last_term").get<std::uint64_t>();
    r.snapshot.state = b.at("state").get<std::string>();
    if (!Json::accept(r.snapshot.state)) return bad_request("the snapshot's state is not JSON");
    std::unique_lock<std::mutex> lk(mu_);
    std::uint64_t index = r.snapshot.index;
    SnapshotAnswer a = receive_snapshot(*log_, std::move(r), commit_);
    if (b.at("term").get<std::uint64_t>() == a.term) {
      std::string leader = b.at("leader").get<std::string>();
      if (role_ != Role::Follower || leader_ != leader) become_follower(a.term, leader);
      reset_election_timer();
    }
    if (a.ticket) {
      log_->sync(a.ticket);
      log_->synced(a.ticket);
    }
    if (a.installed) {
      restore(log_->snapshot());
      memory_return_->request();
      std::fprintf(stderr, "raft %s: installed the snapshot to %llu (term %llu) from %s, log %llu..%llu\n",
                   node_.name.c_str(), static_cast<unsigned long long>(index),
                   static_cast<unsigned long long>(log_->snapshot_term()), leader_.c_str(),
                   static_cast<unsigned long long>(log_->first_index()),
                   static_cast<unsigned long long>(log_->last_index()));
      changed_.notify_all();
    }
    return ok({{"term", a.term}, {"installed", a.installed}});
  }

  std::string bug_;
  bool forward_ = false;
  std::uint64_t snapshot_entries_ = 10000;
  std::int64_t election_ms_ = 300, heartbeat_ms_ = 50;

  std::mutex mu_;
  std::condition_variable changed_;   // commit, apply, role, read confirmations
  std::condition_variable repl_cv_;   // something for the replicators to send
  std::unique_ptr<RaftLog> log_;
  std::unique_ptr<MemoryReturn> memory_return_;
  Role role_ = Role::Follower;
  std::string leader_;
  std::uint64_t commit_ = 0, applied_ = 0;
  std::uint64_t term_start_ = 0;      // index of the leader's no-op in its term
  std::uint64_t read_seq_ = 0;
  Clock::time_point election_deadline_{};
  std::mt19937_64 rng_;
  std::map<std::string, Peer> peers_;
  std::multimap<std::uint64_t, Waiter*> waiters_;
  // The state machine: key → value, a JSON object (written out as it is
  // for a snapshot, with no copy).
  Json kv_ = Json::object();
};

}  // namespace

std::unique_ptr<Design> make_raft(Node& node) { return std::make_unique<Raft>(node); }

}  // namespace course
