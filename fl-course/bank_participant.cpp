#include "bank_participant.h"

namespace course {
namespace {

// How long a prepare or a read waits for a lock before it gives up (a vote
// no, a refused read): short, so two transfers that each hold what the other
// needs abort instead of waiting on each other.
constexpr std::chrono::milliseconds kLockWait{100};
// How long a read waits for the transfers holding its accounts to finish
// (new prepares wait behind it meanwhile, so reads are not starved).
constexpr std::chrono::milliseconds kReadWait{500};
// How long a read's shared locks last if its coordinator never unlocks them.
constexpr std::chrono::milliseconds kReadLease{1000};

std::string txn_key(const std::string& txid) { return "txn/" + txid; }
std::string account_key(const std::string& a) { return "acct/" + a; }

}  // namespace

BankParticipant::BankParticipant(const std::string& dir, Durability d, std::vector<std::string> accounts,
                                 std::int64_t initial)
    : store_(dir, "bank", d), accounts_(accounts.begin(), accounts.end()) {
  std::vector<std::pair<std::string, Json>> fresh;
  for (const std::string& a : accounts_)
    if (!store_.get(account_key(a))) fresh.push_back({account_key(a), initial});
  if (!fresh.empty()) store_.sync(store_.put_all(fresh));
  // Prepared transfers keep their locks across a restart: only the
  // coordinator's decision may release them.
  for (const auto& [key, rec] : store_.snapshot()) {
    if (key.rfind("txn/", 0) != 0 || rec.value("state", "") != "prepared") continue;
    std::string txid = key.substr(4);
    for (const auto& [a, delta] : rec["deltas"].items()) writer_[a] = txid;
    prepared_at_[txid] = Clock::now();
  }
}

std::int64_t BankParticipant::balance(const std::string& account) const {
  auto e = store_.get(account_key(account));
  return e ? e->record.get<std::int64_t>() : 0;
}

bool BankParticipant::lockable(const std::vector<std::string>& accounts, const std::string& txid) {
  auto now = Clock::now();
  for (auto it = readers_.begin(); it != readers_.end();) it = it->second <= now ? readers_.erase(it) : std::next(it);
  if (!readers_.empty() || waiting_readers_ > 0) return false;
  for (const std::string& a : accounts) {
    auto w = writer_.find(a);
    if (w != writer_.end() && w->second != txid) return false;
  }
  return true;
}

void BankParticipant::unlock(const std::string& txid) {
  for (auto it = writer_.begin(); it != writer_.end();) it = it->second == txid ? writer_.erase(it) : std::next(it);
  prepared_at_.erase(txid);
  freed_.notify_all();
}

Reply BankParticipant::prepare(const Json& body) {
  std::string txid = body.value("txid", "");
  const Json deltas = body.value("deltas", Json::object());
  if (txid.empty() || !deltas.is_object()) return bad_request("a prepare needs {\"txid\", \"deltas\": {…}}");
  Json mine = Json::object();
  std::vector<std::string> accounts;
  for (const auto& [a, d] : deltas.items())
    if (owns(a)) {
      if (!d.is_number_integer()) return bad_request("a change of account " + a + " must be a whole number");
      mine[a] = d;
      accounts.push_back(a);
    }
  std::unique_lock<std::mutex> lk(mu_);
  freed_.wait_for(lk, kLockWait, [&] { return lockable(accounts, txid); });
  // Asked before (a retry) or told to abort before the prepare arrived.
  if (auto e = store_.get(txn_key(txid))) {
    std::string state = e->record.value("state", "");
    lk.unlock();
    store_.sync(e->seq);
    return state == "aborted" ? refused("transfer " + txid + " was aborted") : ok();
  }
  if (!lockable(accounts, txid)) return refused("the accounts are locked by another transfer or a read");
  for (const std::string& a : accounts)
    if (balance(a) + mine[a].get<std::int64_t>() < 0) return refused("insufficient funds in account " + a);
  for (const std::string& a : accounts) writer_[a] = txid;
  prepared_at_[txid] = Clock::now();
  std::uint64_t seq = store_.put(txn_key(txid), {{"state", "prepared"}, {"deltas", mine}});
  lk.unlock();
  store_.sync(seq);  // a yes vote is a promise that must survive a crash
  return ok();
}

Reply BankParticipant::commit(const std::string& txid) { return finish(txid, true); }
Reply BankParticipant::abort(const std::string& txid) { return finish(txid, false); }

Reply BankParticipant::finish(const std::string& txid, bool commit) {
  std::unique_lock<std::mutex> lk(mu_);
  auto e = store_.get(txn_key(txid));
  std::string state = e ? e->record.value("state", "") : "";
  std::uint64_t seq = e ? e->seq : 0;
  if (state == "prepared") {
    std::vector<std::pair<std::string, Json>> changes;
    if (commit)
      for (const auto& [a, d] : e->record["deltas"].items())
        changes.push_back({account_key(a), balance(a) + d.get<std::int64_t>()});
    Json done = {{"state", commit ? "committed" : "aborted"}};
    if (commit) done["deltas"] = e->record["deltas"];
    changes.push_back({txn_key(txid), done});
    seq = store_.put_all(changes);
    unlock(txid);
    state = commit ? "committed" : "aborted";
  } else if (state == "committed" && commit && reapply_commits_) {
    // The bug: the commit's changes are applied again for every commit
    // heard, not once per transfer.
    std::vector<std::pair<std::string, Json>> changes;
    const Json deltas = e->record.value("deltas", Json::object());
    for (const auto& [a, d] : deltas.items())
      changes.push_back({account_key(a), balance(a) + d.get<std::int64_t>()});
    if (!changes.empty()) seq = store_.put_all(changes);
  } else if (state.empty()) {
    if (commit) return refused("transfer " + txid + " was never prepared here");
    seq = store_.put(txn_key(txid), {{"state", "aborted"}});  // a late prepare must be refused
    state = "aborted";
  }
  lk.unlock();
  store_.sync(seq);
  if (commit && state != "committed") return refused("transfer " + txid + " was aborted here");
  if (!commit && state != "aborted") return refused("transfer " + txid + " was committed here");
  return ok();
}

Reply BankParticipant::read_lock(const std::string& txid) {
  std::vector<std::string> all(accounts_.begin(), accounts_.end());
  std::unique_lock<std::mutex> lk(mu_);
  auto free_of_writers = [&] { return writer_.empty(); };
  ++waiting_readers_;
  freed_.wait_for(lk, kReadWait, free_of_writers);
  --waiting_readers_;
  freed_.notify_all();
  if (!free_of_writers()) return refused("account " + writer_.begin()->first + " is locked by a transfer");
  readers_[txid] = Clock::now() + kReadLease;
  Json balances = Json::object();
  for (const std::string& a : all) balances[a] = balance(a);
  std::uint64_t seq = store_.last_seq();
  lk.unlock();
  store_.sync(seq);  // show nothing a crash could take back
  return ok({{"balances", balances}});
}

Reply BankParticipant::read_unlock(const std::string& txid) {
  std::lock_guard<std::mutex> lk(mu_);
  auto it = readers_.find(txid);
  bool held = it != readers_.end() && it->second > Clock::now();
  if (it != readers_.end()) readers_.erase(it);
  freed_.notify_all();
  return ok({{"held", held}});
}

Reply BankParticipant::balances() {
  Json out = Json::object();
  std::uint64_t seq;
  {
    std::lock_guard<std::mutex> lk(mu_);
    for (const std::string& a : accounts_) out[a] = balance(a);
    seq = store_.last_seq();
  }
  store_.sync(seq);
  return ok({{"balances", out}});
}

Reply BankParticipant::saga_step(const Json& body) {
  std::string txid = body.value("txid", ""), step = body.value("step", ""), account = body.value("account", "");
  if (txid.empty() || step.empty() || !owns(account) || !body.contains("delta") || !body["delta"].is_number_integer())
    return bad_request("a saga step needs {\"txid\", \"step\", \"account\" (of this node), \"delta\"}");
  std::int64_t delta = body["delta"].get<std::int64_t>();
  std::string key = "step/" + txid + "/" + step;
  std::unique_lock<std::mutex> lk(mu_);
  if (auto e = store_.get(key)) {  // a retry: the same answer as the first time
    lk.unlock();
    store_.sync(e->seq);
    if (e->record.value("status", 200) == 200) return ok();
    return refused(e->record.value("error", "refused"));
  }
  std::int64_t now = balance(account);
  std::uint64_t seq;
  bool refuse = now + delta < 0;
  if (refuse) seq = store_.put(key, {{"status", 409}, {"error", "insufficient funds in account " + account}});
  else seq = store_.put_all({{account_key(account), now + delta}, {key, {{"status", 200}}}});
  lk.unlock();
  store_.sync(seq);
  if (refuse) return refused("insufficient funds in account " + account);
  return ok();
}

std::vector<std::string> BankParticipant::undecided(std::chrono::milliseconds age) {
  std::lock_guard<std::mutex> lk(mu_);
  std::vector<std::string> out;
  auto before = Clock::now() - age;
  for (const auto& [txid, at] : prepared_at_)
    if (at <= before) out.push_back(txid);
  return out;
}

}  // namespace course
