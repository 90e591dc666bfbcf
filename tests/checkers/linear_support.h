// Test support for the linearizability checker: building histories in memory,
// and a brute-force oracle that tries every order consistent with real time.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "checkers/checker.h"
#include "checkers/models/model.h"
#include "history/history.h"

namespace fl::test {

inline Op event(std::int64_t process, OpType type, std::string f, Json value,
                std::optional<Json> key = std::nullopt) {
  Op op;
  op.process = process;
  op.type = type;
  op.f = std::move(f);
  op.value = std::move(value);
  op.key = std::move(key);
  return op;
}

// Numbers the ops' lines 1.. as if they came from a file.
inline History history_of(std::vector<Op> ops, std::string name = "test.jsonl") {
  for (std::size_t i = 0; i < ops.size(); ++i) ops[i].line = static_cast<std::int64_t>(i + 1);
  return History(std::move(ops), std::move(name));
}

// Brute force (for tiny histories): is there an order of the ok ops and some
// of the unknown ones that respects real time and is legal for the model?
// Keys are kept apart inside one state, without partitioning, so the checker's
// P-compositional split is checked against the definition.
class BruteForce {
 public:
  BruteForce(const History& h, const Model& model, const std::optional<Json>& init) : model_(model) {
    init_ = model.initial(init, values_);
    for (const OpPair& p : h.pairs()) {
      const OpType t = h.outcome(p);
      if (t == OpType::Fail) continue;
      const Op& inv = h[static_cast<std::size_t>(p.invoke)];
      const Op* done = p.complete >= 0 ? &h[static_cast<std::size_t>(p.complete)] : nullptr;
      Cand c;
      c.op = model.encode(inv, done, t == OpType::Ok, init_, values_);
      c.call = p.invoke;
      c.ret = t == OpType::Ok ? p.complete : -1;
      c.key = inv.key ? inv.key->dump() : "";
      cands_.push_back(std::move(c));
    }
    placed_.assign(cands_.size(), false);
  }
  bool linearizable() {
    std::map<std::string, State> states;
    return search(states);
  }

 private:
  struct Cand {
    ModelOp op;
    std::int64_t call = 0, ret = -1;
    std::string key;
  };
  bool search(std::map<std::string, State>& states) {
    bool all_ok_placed = true;
    for (std::size_t i = 0; i < cands_.size(); ++i)
      if (!placed_[i] && cands_[i].ret >= 0) all_ok_placed = false;
    if (all_ok_placed) return true;
    for (std::size_t i = 0; i < cands_.size(); ++i) {
      if (placed_[i]) continue;
      bool minimal = true;  // no unplaced ok op returned before this one was invoked
      for (std::size_t j = 0; j < cands_.size(); ++j)
        if (!placed_[j] && cands_[j].ret >= 0 && cands_[j].ret < cands_[i].call) minimal = false;
      if (!minimal) continue;
      auto it = states.find(cands_[i].key);
      const State before = it == states.end() ? init_ : it->second;
      State after;
      if (!model_.step(before, cands_[i].op, after, values_)) continue;
      states[cands_[i].key] = after;
      placed_[i] = true;
      if (search(states)) return true;
      placed_[i] = false;
      states[cands_[i].key] = before;
    }
    return false;
  }
  const Model& model_;
  ValueTable values_;
  State init_;
  std::vector<Cand> cands_;
  std::vector<bool> placed_;
};

}  // namespace fl::test
