// Model: a sequential specification for the linearizability checker, as in
// Porcupine and Knossos — an initial state, step(state, op) -> (legal, state'),
// and how an op reads in a report. Values are interned once into integers
// (ValueTable) so the search never touches JSON; a model keeps its State
// canonical, so state equality is `==` and its hash is the hash of the words.
// Models are stateless and shared between threads; a ValueTable is per search.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "history/op.h"

namespace fl {

// Every distinct JSON value of one search gets a small integer, once.
class ValueTable {
 public:
  static constexpr std::int64_t kNull = 0;
  ValueTable();
  std::int64_t id(const Json& v);
  std::int64_t id_string(const std::string& s);
  const Json& json(std::int64_t id) const { return values_[static_cast<std::size_t>(id)]; }
  std::string text(std::int64_t id) const;  // compact JSON of a value, for reports

 private:
  std::unordered_map<std::int64_t, std::int64_t> ints_;
  std::unordered_map<std::string, std::int64_t> others_;  // keyed by JSON dump
  std::vector<Json> values_;
};

// Markers for ModelOp fields and for observes() / produces().
constexpr std::int64_t kAnyValue = -1;  // an unconstrained result (a null read of Knossos)
constexpr std::int64_t kNoValue = -2;   // the op needs / changes nothing
constexpr std::int64_t kOpaque = -3;    // the op depends on the state in another way

// One op, integer-coded by its model.
struct ModelOp {
  std::int32_t f = 0;             // the model's own opcode
  std::int64_t a = 0, b = 0;      // interned argument / result
  std::vector<std::int64_t> xs;   // longer payloads: a set read, a txn's micro-ops
  bool operator==(const ModelOp& o) const { return f == o.f && a == o.a && b == o.b && xs == o.xs; }
};

using State = std::vector<std::int64_t>;

// Thrown by Model::encode when an op does not fit the model; the checker adds
// the file and line and rethrows it as BadInput.
class OpMismatch : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Model {
 public:
  virtual ~Model() = default;
  virtual std::string name() const = 0;
  virtual std::string description() const = 0;
  // The state from --init (nullopt = the model's default); throws OpMismatch
  // when the JSON cannot be such a state.
  virtual State initial(const std::optional<Json>& init, ValueTable& values) const = 0;
  // Codes one operation: its invocation, its completion (nullptr when it never
  // completed) and whether it completed ok (otherwise it is info: its result
  // is unknown). Throws OpMismatch when the op does not belong to the model.
  virtual ModelOp encode(const Op& invoke, const Op* completion, bool ok, const State& initial,
                         ValueTable& values) const = 0;
  virtual bool step(const State& s, const ModelOp& op, State& next, ValueTable& values) const = 0;
  virtual std::string describe(const ModelOp& op, const ValueTable& values) const = 0;
  // How a state reads in a report ("3", "locked"); "" when it cannot be said
  // shortly. The default shows a one-word state as the value it holds.
  virtual std::string describe_state(const State& s, const ValueTable& values) const;

  // Optional knowledge the search uses to go faster; the defaults are always sound.
  // single_word(): every State is one word, and step_word() steps it directly.
  virtual bool single_word() const { return false; }
  virtual bool step_word(std::int64_t s, const ModelOp& op, std::int64_t& next,
                         ValueTable& values) const;
  // An op that never changes the state: when its outcome is unknown it can be dropped.
  virtual bool read_only(const ModelOp&) const { return false; }
  // Register-like models: legal iff the state equals observes() (kNoValue: always
  // legal), and afterwards the state is produces() (kNoValue: unchanged).
  // kOpaque in either means the op is not of that shape.
  virtual std::int64_t observes(const ModelOp&) const { return kOpaque; }
  virtual std::int64_t produces(const ModelOp&) const { return kOpaque; }
  // Models whose state only grows except through "reset" ops (kv's appends
  // between puts): false when, from word state s, no run of non-reset ops can
  // make `later` legal. The search then prunes s if `later` must come next-most.
  virtual bool resets(const ModelOp&) const { return true; }
  virtual bool can_reach(std::int64_t, const ModelOp&, const ValueTable&) const { return true; }
};

// A model whose every state is one word (registers, kv, mutex): it writes
// step_word() alone, and step() is derived from it here, once.
class WordModel : public Model {
 public:
  bool step(const State& s, const ModelOp& op, State& next, ValueTable& values) const final {
    std::int64_t n = 0;
    if (!step_word(s[0], op, n, values)) return false;
    next.assign(1, n);
    return true;
  }
  bool single_word() const final { return true; }
  bool step_word(std::int64_t s, const ModelOp& op, std::int64_t& next,
                 ValueTable& values) const override = 0;
};

// The model of that name ("" = cas-register); nullptr if unknown.
const Model* find_model(std::string_view name);
std::vector<const Model*> all_models();

// Helpers for models' encode().
const Json& op_argument(const Op& invoke, const Op* completion);   // the invoke's value
const Json& op_result(const Op& invoke, const Op* completion);     // the completion's value (null if none)

}  // namespace fl
