// BankParticipant: one node's share of a bank's accounts, for the `2pc`
// design — durable balances, and the participant's side of two-phase commit
// (Gray, "Notes on Data Base Operating Systems", 1978) and of sagas
// (Garcia-Molina & Salem, "Sagas", 1987).
//   2PC: prepare locks the accounts a transfer touches (exclusive, waiting a
//   little for a holder, else voting no), checks no balance goes negative,
//   and records the transfer as prepared on disk before voting yes; from then
//   on only the coordinator's decision ends it — commit applies it, abort
//   drops it — and its locks hold until then (the blocking of 2PC). A read
//   takes a shared lock on every account for a short lease and is confirmed
//   at unlock (strict two-phase locking across participants); while a read
//   waits for transfers to finish, no new one prepares.
//   Sagas: one idempotent local step at a time (debit, credit, compensate),
//   each durable and remembered under its txid, with no locks across steps.
// Deliberate bugs (the coordinator's): `unilateral-abort`, a transfer
// prepared for longer than `decide_alone_ms` with no decision heard is
// aborted here alone; and this class's own, set by reapply_commits(): a
// commit heard again (the coordinator redelivers a decision whose answer it
// did not get) applies the transfer again, as if commits were idempotent.
// Every answer is given after what it reports is on disk. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "protocol.h"
#include "store.h"

namespace course {

class BankParticipant {
 public:
  using Clock = std::chrono::steady_clock;
  // Opens <dir>/bank.wal; accounts not on disk yet start at `balance`.
  BankParticipant(const std::string& dir, Durability d, std::vector<std::string> accounts, std::int64_t balance);

  // {"txid", "deltas": {account: change}} (only this node's accounts are
  // taken from deltas). 200 = vote yes, 409 = vote no.
  Reply prepare(const Json& body);
  Reply commit(const std::string& txid);   // 409 if this node aborted it
  // The non-idempotent-commit bug: every commit heard is applied.
  void reapply_commits(bool on) { reapply_commits_ = on; }
  Reply abort(const std::string& txid);    // remembered even before a prepare arrives
  // Shared locks on every account until unlock or the lease ends;
  // 200 {"balances": {…}}, 409 if a transfer holds one.
  Reply read_lock(const std::string& txid);
  Reply read_unlock(const std::string& txid);  // 200 {"held": bool}: was the lock still ours?
  Reply balances();                            // no locks (sagas)
  // {"txid", "step", "account", "delta"}: applied once per (txid, step);
  // a repeat answers what the first did. 409 if a balance would go negative.
  Reply saga_step(const Json& body);

  // Transfers prepared for longer than `age` with no decision yet.
  std::vector<std::string> undecided(std::chrono::milliseconds age);

 private:
  bool owns(const std::string& account) const { return accounts_.count(account) > 0; }
  bool lockable(const std::vector<std::string>& accounts, const std::string& txid);
  void unlock(const std::string& txid);
  std::int64_t balance(const std::string& account) const;
  Reply finish(const std::string& txid, bool commit);

  Store store_;
  std::set<std::string> accounts_;
  std::mutex mu_;
  std::condition_variable freed_;
  std::map<std::string, std::string> writer_;             // account → txid holding it
  std::map<std::string, Clock::time_point> readers_;      // txid → end of its shared lock
  std::map<std::string, Clock::time_point> prepared_at_;  // undecided transfers
  int waiting_readers_ = 0;                               // reads waiting for writers to finish
  bool reapply_commits_ = false;
};

}  // namespace course
