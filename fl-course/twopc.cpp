// `2pc`: a bank of 8 accounts ("0"…"7", 10 each at the start) spread over
// the participants n2…nN (account i on the (i mod P)-th of them), with n1
// coordinating every transfer and every read; other nodes relay to n1.
//
// A transfer between accounts commits by two-phase commit (Gray, 1978):
// the coordinator asks each participant concerned to prepare (lock,
// check, record on disk, vote); if all vote yes it writes its commit
// decision to its own log on disk and only then tells them to commit, one
// after the other, and it retries until each has heard — after a crash
// too, from that log.
// Any no, or a participant that cannot be reached for a couple of seconds,
// aborts (nothing is written: presumed abort). A participant that voted yes keeps its locks
// until it learns the decision, asking n1 now and then; while n1 is down it
// waits (2PC blocks; the client's transfer ends as info). A read locks
// every account everywhere (shared), so it sees no transfer half-done.
//
// Bug `unilateral-abort`: a participant that waited too long for the
// decision aborts on its own — and if the coordinator had decided commit,
// the other side of the transfer commits: money is created or destroyed.
// Bug `non-idempotent-commit`: a participant applies a transfer's changes
// for every commit it hears. The coordinator redelivers a commit whose
// answer did not come back in time, so when messages are late (longer than
// the peer timeout) a transfer is applied twice: money is created.
// `--saga`: no prepare and no locks across nodes (Garcia-Molina & Salem,
// 1987): debit the source, then credit the target, and if the credit is
// refused, credit the source back (compensation). Atomic in the end, but a
// read can see the debit before the credit: totals that do not add up.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <set>
#include <thread>

#include "bank_participant.h"
#include "design.h"
#include "local_kv.h"

namespace course {
namespace {

using Ms = std::chrono::milliseconds;

constexpr int kAccounts = 8;
constexpr std::int64_t kBalance = 10;
// A prepared participant asks the coordinator for the decision after this.
constexpr Ms kAskAfter{300};
// unilateral-abort: how long a prepared participant waits before deciding alone.
constexpr Ms kDecideAlone{1000};
// How long the coordinator keeps asking a participant it cannot reach for
// its vote before it decides abort (a partition shorter than this delays a
// transfer instead of aborting it; the participants that voted wait).
constexpr Ms kVoteWait{2000};
// How often the coordinator retries undelivered commits and unfinished sagas.
constexpr Ms kRetryEvery{200};

// Account names as the protocol carries them: "3" or 3 both name account "3".
std::string account_name(const Json& a) {
  if (a.is_string()) return a.get<std::string>();
  if (a.is_number_integer()) return std::to_string(a.get<std::int64_t>());
  return "";
}

class TwoPc : public Design {
 public:
  explicit TwoPc(Node& node) : Design(node) {
    std::string bug = node.flags->text("bug", "");
    if (!bug.empty() && bug != "unilateral-abort" && bug != "non-idempotent-commit")
      throw FlagError("--bug must be unilateral-abort or non-idempotent-commit, not \"" + bug + "\"");
    unilateral_ = bug == "unilateral-abort";
    reapply_commits_ = bug == "non-idempotent-commit";
    saga_ = node.flags->on("saga");
    if (node.peers && node.members.size() < 2)
      throw FlagError("the 2pc design needs at least 2 nodes: n1 coordinates, the others hold the accounts");
  }
  std::string name() const override { return "2pc"; }
  // 2PC promises the bank's total in every read; a saga keeps the total
  // only once every saga is done, and its reads may see a debit alone.
  Promises promises() const override {
    return {true, {"bank"}, saga_ ? std::vector<std::string>{} : std::vector<std::string>{"bank"}, kAccounts,
            kAccounts * kBalance};
  }

  void start() override {
    if (coordinator()) {
      log_ = std::make_unique<Store>(node_.data_dir, "decisions", node_.durability);
      epoch_ = log_->meta("epoch", 0).get<std::int64_t>() + 1;  // txids never repeat across restarts
      log_->sync(log_->put_meta("epoch", epoch_));
      for (const auto& [key, rec] : log_->snapshot()) {
        if (key.rfind("commit/", 0) == 0 && !rec.value("done", false)) {
          unacked_[key.substr(7)] = rec["participants"].get<std::vector<std::string>>();
        } else if (key.rfind("saga/", 0) == 0 && rec.value("step", "") != "done") {
          sagas_.insert(key.substr(5));
        }
      }
      std::thread([this] { coordinator_loop(); }).detach();
    } else {
      std::vector<std::string> mine;
      for (int i = 0; i < kAccounts; ++i)
        if (owner(std::to_string(i)) == node_.name) mine.push_back(std::to_string(i));
      participant_ = std::make_unique<BankParticipant>(node_.data_dir, node_.durability, mine, kBalance);
      participant_->reapply_commits(reapply_commits_);
      std::thread([this] { participant_loop(); }).detach();
    }
  }

  void peer_routes(Router& r) override {
    auto as_participant = [this](auto fn) {
      return [this, fn](const Json& b) { return participant_ ? fn(b) : unavailable("not a participant", ""); };
    };
    r.post("/peer/2pc/prepare", as_participant([this](const Json& b) { return participant_->prepare(b); }));
    r.post("/peer/2pc/commit", as_participant([this](const Json& b) { return participant_->commit(b.value("txid", "")); }));
    r.post("/peer/2pc/abort", as_participant([this](const Json& b) { return participant_->abort(b.value("txid", "")); }));
    r.post("/peer/2pc/read-lock",
           as_participant([this](const Json& b) { return participant_->read_lock(b.value("txid", "")); }));
    r.post("/peer/2pc/read-unlock",
           as_participant([this](const Json& b) { return participant_->read_unlock(b.value("txid", "")); }));
    r.post("/peer/2pc/balances", as_participant([this](const Json&) { return participant_->balances(); }));
    r.post("/peer/2pc/step", as_participant([this](const Json& b) { return participant_->saga_step(b); }));
    auto as_coordinator = [this](auto fn) {
      return [this, fn](const Json& b) { return log_ ? fn(b) : unavailable("not the coordinator", node_.first()); };
    };
    r.post("/peer/2pc/status", as_coordinator([this](const Json& b) { return status(b.value("txid", "")); }));
    r.post("/peer/2pc/transfer", as_coordinator([this](const Json& b) { return transfer(b); }));
    r.post("/peer/2pc/read", as_coordinator([this](const Json&) { return saga_ ? read_saga() : read_2pc(); }));
  }

  Json health() override { return {{"role", coordinator() ? "coordinator" : "participant"}, {"primary", coordinator()}}; }

  Reply read(const std::string&) override { return not_served("registers", name()); }
  Reply write(const std::string&, const Json&) override { return not_served("registers", name()); }

  Reply bank_read() override {
    if (coordinator()) return saga_ ? read_saga() : read_2pc();
    return relay(node_.peers->call(node_.first(), "/peer/2pc/read", Json::object()), node_.first());
  }
  Reply bank_transfer(const Json& body) override {
    if (coordinator()) return transfer(body);
    return relay(node_.peers->call(node_.first(), "/peer/2pc/transfer", body, Ms(3000)), node_.first());
  }

 private:
  bool coordinator() const { return node_.name == node_.first(); }
  std::vector<std::string> participants() const {
    std::vector<std::string> v;
    for (std::size_t i = 1; i < node_.members.size(); ++i) v.push_back(node_.members[i].name);
    return v;
  }
  std::string owner(const std::string& account) const {
    auto parts = participants();
    return parts.at(static_cast<std::size_t>(std::stoi(account)) % parts.size());
  }
  std::string next_txid() { return std::to_string(epoch_) + "." + std::to_string(++txn_counter_); }
  static std::string first_error(const std::vector<Call>& calls) {
    for (const Call& c : calls) {
      if (c.ok()) continue;
      if (c.answered()) return c.peer + ": " + (c.body.is_object() ? c.body.value("error", "refused") : "refused");
      return c.peer + " did not answer";
    }
    return "";
  }

  // --- transfers -------------------------------------------------------------

  Reply transfer(const Json& body) {
    if (!body.is_object()) return bad_request("a transfer needs {\"from\", \"to\", \"amount\"}");
    std::string from = account_name(body.value("from", Json())), to = account_name(body.value("to", Json()));
    auto known = [](const std::string& a) {
      return !a.empty() && a.find_first_not_of("0123456789") == std::string::npos && a.size() < 3 &&
             std::stoi(a) < kAccounts;
    };
    if (!known(from) || !known(to) || from == to)
      return bad_request("a transfer needs two different accounts among 0…" + std::to_string(kAccounts - 1));
    if (!body.contains("amount") || !body["amount"].is_number_integer() || body["amount"].get<std::int64_t>() <= 0)
      return bad_request("a transfer needs a positive whole \"amount\"");
    std::int64_t amount = body["amount"].get<std::int64_t>();
    return saga_ ? transfer_saga(from, to, amount) : transfer_2pc(from, to, amount);
  }

  Reply transfer_2pc(const std::string& from, const std::string& to, std::int64_t amount) {
    std::string txid = next_txid();
    std::vector<std::string> parts = {owner(from)};
    if (owner(to) != parts[0]) parts.push_back(owner(to));
    Json req = {{"txid", txid}, {"deltas", {{from, -amount}, {to, amount}}}};
    {
      std::lock_guard<std::mutex> lock(mu_);
      inflight_.insert(txid);
    }
    // Phase 1: every participant concerned prepares and votes.
    std::vector<Call> votes = collect_votes(parts, req);
    bool all_yes = true;
    for (const Call& c : votes) all_yes &= c.ok();
    if (!all_yes) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        inflight_.erase(txid);  // decided: abort (no record is the abort record)
      }
      for (const std::string& p : parts) node_.peers->post_async(p, "/peer/2pc/abort", {{"txid", txid}});
      return refused("transfer " + txid + " aborted: " + first_error(votes));
    }
    // The decision is durable before any participant hears of it.
    log_->sync(log_->put("commit/" + txid, {{"participants", parts}}));
    {
      std::lock_guard<std::mutex> lock(mu_);
      inflight_.erase(txid);
      unacked_[txid] = parts;
    }
    // Phase 2. The client hears "committed" now; the retry loop delivers the
    // rest to whoever did not answer.
    deliver(txid);
    return ok({{"txid", txid}});
  }

  // Asks each participant to prepare, again and again (a prepare is
  // idempotent) while one cannot be reached, until every one has answered or
  // kVoteWait has passed; one Call per participant, in order.
  std::vector<Call> collect_votes(const std::vector<std::string>& parts, const Json& req) {
    using Clock = std::chrono::steady_clock;
    auto deadline = Clock::now() + kVoteWait;
    std::vector<Call> votes(parts.size());
    std::vector<std::size_t> waiting;
    for (std::size_t i = 0; i < parts.size(); ++i) waiting.push_back(i);
    for (;;) {
      std::vector<std::string> ask;
      for (std::size_t i : waiting) ask.push_back(parts[i]);
      std::vector<Call> got = node_.peers->fan_out(ask, "/peer/2pc/prepare", req, ask.size());
      std::vector<std::size_t> still;
      for (std::size_t k = 0; k < waiting.size(); ++k) {
        votes[waiting[k]] = got[k];
        if (!got[k].answered() || got[k].status >= 500) still.push_back(waiting[k]);
        else if (!got[k].ok()) return votes;  // a no: abort at once
      }
      if (still.empty() || Clock::now() + Ms(50) >= deadline) return votes;
      waiting = still;
      std::this_thread::sleep_for(Ms(50));
    }
  }

  // Phase 2: tells each participant still unaware, one after the other (the
  // debited account's first), and forgets a transfer once all have heard.
  void deliver(const std::string& txid) {
    std::vector<std::string> left;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = unacked_.find(txid);
      // One delivery of a transfer at a time: the retry loop leaves alone a
      // commit whose first delivery is still waiting for its answers.
      if (it == unacked_.end() || !delivering_.insert(txid).second) return;
      left = it->second;
    }
    struct Done {
      TwoPc* self;
      const std::string& txid;
      ~Done() {
        std::lock_guard<std::mutex> lock(self->mu_);
        self->delivering_.erase(txid);
      }
    } done{this, txid};
    for (const std::string& p : left) {
      Call c = node_.peers->call(p, "/peer/2pc/commit", {{"txid", txid}});
      if (c.answered() && c.status == 409)
        std::fprintf(stderr, "2pc %s: %s refuses to commit %s, which the coordinator committed: %s\n",
                     node_.name.c_str(), c.peer.c_str(), txid.c_str(), c.body.value("error", "").c_str());
      if (!c.ok() && !(c.answered() && c.status == 409)) continue;
      std::lock_guard<std::mutex> lock(mu_);
      auto it = unacked_.find(txid);
      if (it == unacked_.end()) return;
      it->second.erase(std::remove(it->second.begin(), it->second.end(), p), it->second.end());
      if (it->second.empty()) {
        unacked_.erase(it);
        log_->put("commit/" + txid, {{"done", true}});  // no sync: a lost "done" only means one more delivery
      }
    }
  }

  // What a participant asking about `txid` learns: a decision is only ever
  // reported once it is final (a commit once it is on disk).
  Reply status(const std::string& txid) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (inflight_.count(txid)) return ok({{"decision", "pending"}});
    }
    return ok({{"decision", log_->get("commit/" + txid) ? "commit" : "abort"}});
  }

  // --- reads -----------------------------------------------------------------

  Reply read_2pc() {
    std::string txid = "r" + next_txid();
    std::vector<std::string> parts = participants();
    std::vector<Call> locked = node_.peers->fan_out(parts, "/peer/2pc/read-lock", {{"txid", txid}}, parts.size());
    Json accounts = Json::object();
    bool all = true;
    for (const Call& c : locked) {
      all &= c.ok();
      if (c.ok())
        for (const auto& [a, b] : c.body["balances"].items()) accounts[a] = b;
    }
    if (!all) {
      for (const std::string& p : parts) node_.peers->post_async(p, "/peer/2pc/read-unlock", {{"txid", txid}});
      return refused("read aborted: " + first_error(locked));
    }
    // Every lock was held at once; the read counts only if each was still
    // held when it was released (a participant that restarted lost it).
    std::vector<Call> unlocked = node_.peers->fan_out(parts, "/peer/2pc/read-unlock", {{"txid", txid}}, parts.size());
    for (const Call& c : unlocked)
      if (!c.ok() || !c.body.value("held", false)) return refused("read aborted: " + c.peer + " lost its read lock");
    return ok({{"accounts", accounts}});
  }

  Reply read_saga() {
    std::vector<std::string> parts = participants();
    std::vector<Call> calls = node_.peers->fan_out(parts, "/peer/2pc/balances", Json::object(), parts.size());
    Json accounts = Json::object();
    for (const Call& c : calls) {
      if (!c.ok()) return refused("read failed: " + first_error(calls));
      for (const auto& [a, b] : c.body["balances"].items()) accounts[a] = b;
    }
    return ok({{"accounts", accounts}});
  }

  // --- sagas -------------------------------------------------------------------

  Reply transfer_saga(const std::string& from, const std::string& to, std::int64_t amount) {
    std::string txid = next_txid();
    Json rec = {{"from", from}, {"to", to}, {"amount", amount}, {"step", "debit"}};
    log_->sync(log_->put("saga/" + txid, rec));  // so a restarted coordinator finishes it
    {
      std::lock_guard<std::mutex> lock(mu_);
      running_.insert(txid);
    }
    Reply r = run_saga(txid, rec);
    std::lock_guard<std::mutex> lock(mu_);
    running_.erase(txid);
    if (r.status == 504) sagas_.insert(txid);  // the retry loop finishes it
    return r;
  }

  // Runs the saga from its recorded step. Each step is idempotent at the
  // participant (remembered under the txid), so a retry after a lost answer
  // or a restart does it once.
  Reply run_saga(const std::string& txid, Json rec) {
    std::string from = rec["from"], to = rec["to"];
    std::int64_t amount = rec["amount"];
    auto step = [&](const std::string& name, const std::string& account, std::int64_t delta) {
      return node_.peers->call(owner(account), "/peer/2pc/step",
                               {{"txid", txid}, {"step", name}, {"account", account}, {"delta", delta}});
    };
    auto advance = [&](const std::string& next, const std::string& outcome = "") {
      rec["step"] = next;
      if (!outcome.empty()) rec["outcome"] = outcome;
      log_->sync(log_->put("saga/" + txid, rec));
    };
    for (;;) {
      std::string at = rec["step"];
      if (at == "debit") {
        Call c = step("debit", from, -amount);
        if (c.ok()) advance("credit");
        else if (c.answered() && c.status == 409) {
          advance("done", "refused");
          return refused("transfer " + txid + " refused: " + c.body.value("error", ""));
        } else
          return uncertain("transfer " + txid + ": the debit's outcome is unknown; it will be retried");
      } else if (at == "credit") {
        Call c = step("credit", to, amount);
        if (c.ok()) {
          advance("done", "committed");
          return ok({{"txid", txid}});
        }
        if (c.answered() && c.status == 409) advance("compensate");
        else return uncertain("transfer " + txid + ": debited; the credit will be retried");
      } else if (at == "compensate") {
        Call c = step("compensate", from, amount);
        if (!c.ok()) return uncertain("transfer " + txid + ": the compensation will be retried");
        advance("done", "compensated");
        return refused("transfer " + txid + " compensated: the credit was refused");
      } else {
        return rec.value("outcome", "") == "committed" ? ok() : refused("transfer " + txid + " did not happen");
      }
    }
  }

  // --- background work -----------------------------------------------------------

  void coordinator_loop() {
    for (;;) {
      std::this_thread::sleep_for(kRetryEvery);
      std::vector<std::string> commits, sagas;
      {
        std::lock_guard<std::mutex> lock(mu_);
        for (const auto& [txid, left] : unacked_) commits.push_back(txid);
        for (const std::string& s : sagas_)
          if (!running_.count(s)) sagas.push_back(s);
      }
      for (const std::string& txid : commits) deliver(txid);
      for (const std::string& txid : sagas) {
        auto e = log_->get("saga/" + txid);
        if (!e || e->record.value("step", "") == "done") {
          std::lock_guard<std::mutex> lock(mu_);
          sagas_.erase(txid);
          continue;
        }
        run_saga(txid, e->record);
      }
    }
  }

  // A participant's prepared transfers that have heard no decision: ask the
  // coordinator (and, with the bug, give up waiting and abort alone).
  void participant_loop() {
    for (;;) {
      std::this_thread::sleep_for(Ms(100));
      for (const std::string& txid : participant_->undecided(kAskAfter)) {
        Call c = node_.peers->call(node_.first(), "/peer/2pc/status", {{"txid", txid}}, Ms(300));
        std::string decision = c.ok() ? c.body.value("decision", "") : "";
        if (decision == "commit") participant_->commit(txid);
        else if (decision == "abort") participant_->abort(txid);
      }
      if (!unilateral_) continue;
      for (const std::string& txid : participant_->undecided(kDecideAlone)) {
        std::fprintf(stderr, "2pc %s: no decision on %s for %lld ms; aborting alone\n", node_.name.c_str(),
                     txid.c_str(), static_cast<long long>(kDecideAlone.count()));
        participant_->abort(txid);
      }
    }
  }

  bool unilateral_ = false, reapply_commits_ = false, saga_ = false;
  std::unique_ptr<BankParticipant> participant_;
  std::unique_ptr<Store> log_;  // the coordinator's decisions and sagas
  std::int64_t epoch_ = 0;
  std::atomic<std::int64_t> txn_counter_{0};
  std::mutex mu_;
  std::set<std::string> inflight_;                          // undecided transfers
  std::map<std::string, std::vector<std::string>> unacked_;  // committed, not yet heard by these
  std::set<std::string> delivering_;                          // commits being delivered right now
  std::set<std::string> sagas_, running_;                   // unfinished after a restart; being run
};

}  // namespace

std::unique_ptr<Design> make_twopc(Node& node) { return std::make_unique<TwoPc>(node); }

}  // namespace course
