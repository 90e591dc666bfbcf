// Replay: a run's transactions, made again from its wire log (wire.jsonl) as
// a standalone bash script that needs only psql — what `faultline
// reproduce` writes and runs. Three steps, each pure and deterministic:
// choose the transactions (an anomaly's cycle, the transactions whose
// writes it read or overwrote, then ever wider windows of time around
// them), order their statements (by when their answers arrived, each
// waiting for the one before; a statement that waited on another
// transaction is sent at its own time and its answer collected later), and
// read the script's output back into a history the txn checkers can judge.
// Transactions are named by their invocation's op index (wire.jsonl's `op`).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "history/history.h"
#include "history/wire_log.h"

namespace fl {

// The transactions of an anomaly's cycle (its ops: completion or invocation
// indices) plus the writers of the versions they read (the last element of
// each list read) and overwrote (the element before each of their appends,
// in the longest read of that key), and the first reader of each of their
// appends (the shortest list read that holds it: the order of versions a
// checker needs to see the cycle's rw edges). Invocation indices.
std::set<std::int64_t> anomaly_transactions(const History& h, const std::vector<std::int64_t>& cycle_ops);

// Every transaction whose invocation-to-completion span overlaps
// [first invocation − margin, last completion + margin] of `core` (a
// transaction that never completed spans to the end); `core` is kept.
std::set<std::int64_t> transactions_within(const History& h, const std::set<std::int64_t>& core,
                                           std::int64_t margin_ns);

struct ReplayStatement {
  std::int64_t op = -1;       // the invocation index of its transaction
  std::int64_t process = 0;   // one psql connection per process
  std::string sql;            // as sent, parameters inlined
  std::int64_t sent = 0;      // in the run, ns on the history's clock
  std::optional<std::int64_t> answered;
  std::string answer;         // what the run got
};

// What the script does, in order: send a statement and wait for its answer
// (Run), or send it and go on (Send) and wait for it later (Collect). The
// script also goes on without an answer that does not come within a short
// wait (FL_BLOCK, 1 s: it waits for a lock that a later statement
// releases); that connection's later statements queue behind it in psql,
// and their answers are collected as they come.
struct ReplayStep {
  enum Kind { Run, Send, Collect } kind = Run;
  std::size_t statement = 0;  // index into ReplayPlan::statements
};

struct ReplayPlan {
  std::vector<std::int64_t> ops;              // the transactions, in invocation order
  std::vector<ReplayStatement> statements;    // numbered by position (1-based in the script)
  std::vector<ReplayStep> steps;
  std::vector<std::size_t> blocked;           // statements sent without waiting
  std::vector<std::int64_t> missing;          // chosen transactions the wire log has nothing of
  std::string table;                          // fl_append or fl_register
};

struct PlanOptions {
  // Answers: each statement where its answer arrived in the run (the order
  // the server finished them, as far as the client saw). Sends: where it
  // was sent (the order they reached the server), every one a Run.
  enum Order { Answers, Sends } order = Answers;
  // A statement is sent without waiting when its answer took at least this
  // long and another connection's statement was answered meanwhile: it
  // waited for a lock (or the deadlock detector) that a later statement
  // released, so waiting for it before sending that one would hang.
  std::int64_t block_ns = 20'000'000;
};

// Orders the statements of `ops` (invocation indices) from their exchanges.
// BadInput when a statement is not one of the SQL client's.
ReplayPlan plan_replay(const History& h, const std::set<std::int64_t>& ops,
                       const std::map<std::int64_t, std::vector<WireExchange>>& wire,
                       const PlanOptions& options = {});

struct ScriptHeader {
  std::string title;                   // first comment line(s)
  std::vector<std::string> notes;      // further comment lines (settings, how to run)
};
// The bash script: `script HOST PORT [USER]`; prints one line per statement,
// "FL-ANSWER <n> <sent> <answered|-> <answer>" (epoch seconds, answer lines
// joined by " / "), in the order the answers were collected ("-": none
// within FL_WAIT, 10 s).
std::string replay_script(const ReplayPlan& plan, const ScriptHeader& header);

// The replay as a history: one op per transaction (its micro-ops from the
// run's invocation, reads from the replay's answers): ok when its COMMIT
// answered COMMIT and nothing failed, fail on an error or a ROLLBACK, info
// when an answer never came. `origin[i]` is the run's invocation index of the
// replay's op i (invocation positions). BadInput for output that is no replay's.
struct ReplayHistory {
  History history;
  std::map<std::int64_t, std::int64_t> origin;  // replay op index (invoke and completion) -> run's invocation index
  int unanswered = 0;                           // statements with no answer within the script's wait
};
ReplayHistory replay_history(const ReplayPlan& plan, const History& run, const std::string& output);

}  // namespace fl
