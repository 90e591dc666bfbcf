// The linearizability check of a keyed register history (the kv model, or a
// register model) fed op by op, holding only what is still undecided: each
// key's ops since its last cut, integer-coded (an op costs a few dozen bytes,
// not an Op), and the set of states the ops before that cut can leave.
//
// A cut of a key is a point where none of its ops is open (every op invoked
// on it so far has completed and none began since): every linearization puts
// the ops before it ahead of the ops after it (cut.h), so the stretch before
// it (a window) is decided by the search alone, from each state the earlier
// windows can end in, and what is carried on is the exact set of states the
// window can end in (the value of a write no other write of the window began
// after the end of, each confirmed by a search with a read of it appended;
// the entry state when nothing wrote). Then the window's ops are released. A
// window that no carried state lets through makes the key invalid, at once.
// An op that ends info (or never ends) stays open to the end, as in Knossos:
// its key is held whole until retire() or finish(). Ops that are not
// register-shaped (kv's append) hold their key the same way. As in the
// in-memory checker, each search first gets a small budget; a key that needs
// more is held whole and searched at finish(), unless another key was found
// invalid by then. A search that runs out of time or memory makes its key,
// and the verdict, unknown; never valid. The verdict is the in-memory
// linearizable checker's.
//
// Online (CheckOptions::live_history names the file the run is writing),
// a key none of whose ops is open and that has had no op for kQuietLag
// events is decided as if retired, and forgotten: only its name's hash is
// kept. Should an op on it come after all, the key is read back from the
// file (its ops so far) and held whole to the end; after kMaxWakes such
// reads no more keys are forgotten. So a rotating workload's memory stays
// flat even when its keys end with info ops, and a key that is not retired
// after all is still judged on all its ops.
//
// stream_check_linearizable() runs it over a file: a first pass notes each
// key's last event, so a key is decided and forgotten as soon as the file
// shows no more of it (as a rotating kv workload retires keys); an invalid
// key is read once more, alone, and checked in memory, so the counterexample
// is the one the in-memory checker shows.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "checkers/checker.h"
#include "checkers/online.h"
#include "checkers/linear/hash_set.h"
#include "checkers/linear/partition.h"
#include "checkers/linear/search.h"
#include "history/format.h"
#include "history/op_stream.h"

namespace fl {

class LinearStream {
 public:
  // Throws std::invalid_argument for an unknown model or an --init that does
  // not fit it. `source` names the history in errors (BadInput, file:line).
  LinearStream(const CheckOptions& opts, std::string source);
  ~LinearStream();
  LinearStream(const LinearStream&) = delete;
  LinearStream& operator=(const LinearStream&) = delete;

  // The next op in history order (nemesis events are ignored). Throws
  // BadInput when an op does not fit the model.
  void feed(const OpRef& op);
  // No more events will come on this key (its JSON text, "" for unkeyed
  // ops): its ops still open never complete; it is decided and forgotten.
  // Invocations without a key are left to their completions (or finish()).
  void retire(const std::string& key);
  // Anomalies decided so far (the shape of the linearizable checker's).
  const std::vector<Json>& anomalies() const { return anomalies_; }
  // Keys found invalid so far, in the order found.
  const std::vector<std::string>& invalid_keys() const { return invalid_; }
  // Decides every key still held and gives the verdict.
  CheckResult finish();
  // After finish: keys too hard for a first search and left unsearched
  // because another key was already invalid (the in-memory checker leaves
  // them so too).
  const std::vector<std::string>& undecided_keys() const { return undecided_; }

  // For tests and measurements: ops held now, and the most ever held.
  std::size_t held_ops() const { return held_; }
  std::size_t peak_held_ops() const { return peak_held_; }
  // Keys forgotten while quiet, and keys read back from the file since.
  std::size_t quiet_keys() const { return quiet_keys_; }
  std::size_t wakes() const { return wakes_; }
  // Keys still in memory (decided ones keep their end states until quiet).
  std::size_t keys_held() const { return keys_.size(); }

  static constexpr std::int64_t kQuietLag = 1 << 16;  // events without an op on a key
  static constexpr std::size_t kMaxWakes = 4;

 private:
  struct Live;
  struct Key;
  struct Pending;
  Key& key_of(const std::string& k);
  void add_slot(Key& k, std::int64_t call, std::int32_t pair, std::int64_t index, std::int64_t process);
  void complete(const std::string& key, Pending& p, const Op* done, std::int64_t ret);
  void idle(const std::string& name, Key& k);
  void decide(const std::string& name, Key& k, bool final, bool first_pass = true);
  void give_up(Key& k, SearchResult& r, const std::string& name);
  void refuted(const std::string& name, Key& k, Partition& p, SearchResult r, std::int64_t from, bool final);
  void drain_idle(std::int64_t now);
  void drain_quiet(std::int64_t now);
  bool forgetting() const;
  static Pending invocation(const OpRef& ref);
  static Op completion(const OpRef& ref);
  void wake(const std::string& name, Key& k);
  void release(Key& k);

  const Model& model_;
  CheckOptions opts_;
  std::string source_;
  SearchBudget budget_;
  std::atomic<std::size_t> memory_in_use_{0};
  std::unordered_map<std::string, Key> keys_;
  std::unordered_map<std::int64_t, Pending> pending_;  // by pair
  std::int64_t unkeyed_open_ = 0;  // invocations whose key only their completion tells
  std::int64_t position_ = 0;
  struct IdleMark {
    std::string key;
    std::int64_t since;
    std::uint64_t generation;
  };
  std::deque<IdleMark> idle_;
  std::deque<IdleMark> quiet_;                  // keys with no op open, by when
  CompactHashSet forgotten_;  // hashes of the keys forgotten while quiet
  std::size_t quiet_keys_ = 0, wakes_ = 0;
  std::vector<Json> anomalies_;
  std::vector<std::string> invalid_, undecided_;
  std::string unknown_reason_;
  std::string summary_;  // the anomalies in words
  std::size_t parts_ = 0, windows_ = 0, held_ = 0, peak_held_ = 0, peak_bytes_ = 0;
  std::int64_t configurations_ = 0;
};

// The linearizable checker's online form (checkers/online.h): a LinearStream
// fed as the run records, with no retire() (no one knows a key's future), so
// a key is decided at its cut points, or once it has been idle a while (a
// rotated key), or once quiet (above, when opts.live_history is set), or at
// the end. Null when `opts` names a model LinearStream
// does not take (only keyed and plain registers).
std::unique_ptr<OnlineCheck> online_linearizable(const CheckOptions& opts);

// The linearizable checker over a streamable file (can_stream), in bounded
// memory; the same CheckResult as read_history + the checker, but for its
// counts. `events` / `operations` are set to the history's counts.
CheckResult stream_check_linearizable(const std::string& path, Format format, const CheckOptions& opts,
                                      StreamCounts* counts = nullptr);

}  // namespace fl
