// An oracle for the linearizability checker that shares none of its code: its
// own sequential specifications, written on JSON values straight from
// DESIGN.md's history table (no checkers/models, no ValueTable, no History
// pairing), and a brute-force search over every order that respects real
// time. A spec returns every state an op can lead to (none: illegal here), so
// a nondeterministic op — an unordered dequeue whose result is unknown — is
// just several successors. For tiny histories only (at most 32 ops).
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "history/op.h"

namespace fl::oracle {

// One operation as the test generated it: f, the invocation's argument, the
// ok completion's result (when `known`), and where its invocation and ok
// completion sit in the event list (ret = -1: it never completed ok).
// Failed ops are not given to the oracle: they did not happen.
struct Operation {
  std::string f;
  Json arg;
  Json result;
  bool known = false;
  std::optional<Json> key;
  int call = 0, ret = -1;
};

// The next states after `op` from `s`; `init` is the --init the test used.
using Spec = std::function<std::vector<Json>(const Json& s, const Operation& op, const Json& init)>;

struct ModelSpec {
  const char* name;
  Json (*initial)(const Json& init);
  Spec step;
};

inline std::vector<Json> one(Json s) { return {std::move(s)}; }
inline std::vector<Json> none() { return {}; }

// A read's observation is a constraint unless its result is unknown, or is
// null while the object started with a value (Knossos's convention: such a
// null says nothing).
inline bool observes(const Operation& op, const Json& init) {
  return op.known && !(op.result.is_null() && !init.is_null());
}

inline std::vector<Json> register_step(const Json& s, const Operation& op, const Json& init) {
  if (op.f == "read") return observes(op, init) && op.result != s ? none() : one(s);
  if (op.f == "write") return one(op.arg);
  if (op.f == "cas") return s == op.arg[0] ? one(op.arg[1]) : none();
  return none();
}

inline std::vector<Json> mutex_step(const Json& locked, const Operation& op, const Json&) {
  if (op.f == "acquire") return locked.get<bool>() ? none() : one(true);
  return locked.get<bool>() ? one(false) : none();
}

// One register per key, each starting at init; get/put/append/cas.
inline std::vector<Json> kv_step(const Json& s, const Operation& op, const Json& init) {
  const std::string k = op.key->dump();
  const Json v = s.contains(k) ? s[k] : init;
  Json next = s;
  if (op.f == "get") return observes(op, init) && op.result != v ? none() : one(s);
  if (op.f == "put") next[k] = op.arg;
  if (op.f == "append") next[k] = (v.is_null() ? std::string() : v.get<std::string>()) + op.arg.get<std::string>();
  if (op.f == "cas") {
    if (v != op.arg[0]) return none();
    next[k] = op.arg[1];
  }
  return one(next);
}

// Knossos's multi-register: a txn's micro-ops in order, atomically; a read of
// null (or of an unknown txn) says nothing.
inline std::vector<Json> multi_register_step(const Json& s, const Operation& op, const Json&) {
  Json next = s;
  for (const Json& m : op.known ? op.result : op.arg) {
    const std::string k = m[1];
    if (m[0] == "write") next[k] = m[2];
    else if (op.known && !m[2].is_null() && next.value(k, Json()) != m[2]) return none();
  }
  return one(next);
}

inline std::vector<Json> set_step(const Json& s, const Operation& op, const Json&) {
  std::set<Json> elements(s.begin(), s.end());
  if (op.f == "add") {
    elements.insert(op.arg);
    return one(Json(elements));
  }
  if (!op.known) return one(s);
  return std::set<Json>(op.result.begin(), op.result.end()) == elements ? one(s) : none();
}

// A dequeue that happened on an empty queue returned null; one whose result
// is unknown took whatever it could (the head, or for an unordered queue any
// element), or nothing from an empty queue.
inline std::vector<Json> fifo_step(const Json& q, const Operation& op, const Json&) {
  Json next = q;
  if (op.f == "enqueue") {
    next.push_back(op.arg);
    return one(next);
  }
  if (q.empty()) return !op.known || op.result.is_null() ? one(q) : none();
  if (op.known && op.result != q[0]) return none();
  next.erase(0);
  return one(next);
}

inline std::vector<Json> unordered_step(const Json& q, const Operation& op, const Json&) {
  if (op.f == "enqueue") {
    Json next = q;
    next.push_back(op.arg);
    return one(next);
  }
  if (q.empty()) return !op.known || op.result.is_null() ? one(q) : none();
  std::vector<Json> out;
  for (std::size_t i = 0; i < q.size(); ++i) {
    if (op.known && op.result != q[i]) continue;
    Json next = q;
    next.erase(i);
    out.push_back(next);
  }
  return out;
}

inline const std::vector<ModelSpec>& specs() {
  static const std::vector<ModelSpec> all = {
      {"register", [](const Json& i) { return i; }, register_step},
      {"cas-register", [](const Json& i) { return i; }, register_step},
      {"mutex", [](const Json& i) { return Json(i == true || i == "locked"); }, mutex_step},
      {"kv", [](const Json&) { return Json::object(); }, kv_step},
      {"multi-register", [](const Json& i) { return i.is_null() ? Json::object() : i; }, multi_register_step},
      {"set", [](const Json& i) { return i.is_null() ? Json::array() : i; }, set_step},
      {"fifo-queue", [](const Json& i) { return i.is_null() ? Json::array() : i; }, fifo_step},
      {"unordered-queue", [](const Json& i) { return i.is_null() ? Json::array() : i; }, unordered_step},
  };
  return all;
}

inline const ModelSpec& spec(const std::string& name) {
  for (const ModelSpec& m : specs())
    if (name == m.name) return m;
  throw std::invalid_argument("the oracle has no model " + name);
}

// Is there an order of every ok op and some of the others, each placed after
// every ok op that returned before it was called, that the spec accepts?
// Configurations (ops placed, state) already known to fail are not retried.
class Search {
 public:
  Search(const ModelSpec& m, std::vector<Operation> ops, const Json& init)
      : m_(m), ops_(std::move(ops)), init_(init) {
    if (ops_.size() > 32) throw std::invalid_argument("the oracle is for tiny histories");
  }
  bool linearizable() { return from(0, m_.initial(init_)); }

 private:
  bool from(std::uint64_t placed, const Json& state) {
    bool all_ok_placed = true;
    for (std::size_t i = 0; i < ops_.size(); ++i)
      if (!(placed >> i & 1) && ops_[i].ret >= 0) all_ok_placed = false;
    if (all_ok_placed) return true;
    if (!failed_.insert({placed, state.dump()}).second) return false;
    for (std::size_t i = 0; i < ops_.size(); ++i) {
      if (placed >> i & 1) continue;
      bool may_go_next = true;
      for (std::size_t j = 0; j < ops_.size(); ++j)
        if (!(placed >> j & 1) && ops_[j].ret >= 0 && ops_[j].ret < ops_[i].call) may_go_next = false;
      if (!may_go_next) continue;
      for (const Json& next : m_.step(state, ops_[i], init_))
        if (from(placed | std::uint64_t{1} << i, next)) return true;
    }
    return false;
  }
  const ModelSpec& m_;
  std::vector<Operation> ops_;
  Json init_;
  std::set<std::pair<std::uint64_t, std::string>> failed_;
};

// The oracle on recorded events: it pairs each invocation with its process's
// next completion itself (not through History), leaves failed ops out, and
// reads an op that never completed as unknown.
inline bool linearizable(const std::vector<Op>& events, const std::string& model, const std::optional<Json>& init) {
  std::vector<Operation> ops;
  std::vector<bool> failed;
  std::map<std::int64_t, std::size_t> open;  // process -> its invocation in ops
  for (std::size_t pos = 0; pos < events.size(); ++pos) {
    const Op& e = events[pos];
    if (e.is_nemesis()) continue;
    if (e.type == OpType::Invoke) {
      open[e.process] = ops.size();
      ops.push_back({e.f, e.value, Json(), false, e.key, static_cast<int>(pos), -1});
      failed.push_back(false);
      continue;
    }
    auto it = open.find(e.process);
    if (it == open.end()) continue;
    Operation& o = ops[it->second];
    if (e.type == OpType::Ok) {
      o.known = true;
      o.result = e.value;
      o.ret = static_cast<int>(pos);
    }
    failed[it->second] = e.type == OpType::Fail;
    open.erase(it);
  }
  std::vector<Operation> happened;
  for (std::size_t i = 0; i < ops.size(); ++i)
    if (!failed[i]) happened.push_back(ops[i]);
  return Search(spec(model), happened, init.value_or(Json())).linearizable();
}

}  // namespace fl::oracle
