// Txns: the transactions of a history in the compact, integer form the
// transactional checkers work on. One Txn per client operation whose value is
// a list of micro-ops (f "txn", or Elle's histories that leave f out):
// ["append", k, v], ["r", k, v] (a list for list-append, a value for
// rw-register; null when unknown), ["w", k, v]; Jepsen's two-element
// [:r k] is a read of unknown value. Keys and values are interned to dense
// ids; the JSON stays in the History (which must outlive the Txns) and is
// only looked at again to explain an anomaly.
// Micro-ops come from the completion when it carries them, else from the
// invocation (an info or a missing completion). A malformed micro-op throws
// BadInput naming the op's file:line.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <unordered_map>

#include "checkers/anomalies.h"
#include "checkers/txn/flat_map.h"
#include "history/history.h"

namespace fl::txn {

enum class MopKind : std::uint8_t { Append, Read, Write };

constexpr std::uint32_t kNil = 0xffffffffu;  // the value id of null (rw-register's initial state)

struct Mop {
  MopKind kind = MopKind::Read;
  bool known = true;         // a read whose value was observed
  std::uint32_t key = 0;
  std::uint32_t value = kNil;  // append / write value; rw-register read value
  std::uint32_t list = 0;      // list-append read: first element in Txns::elements
  std::uint32_t len = 0;       // list-append read: number of elements
};

struct Txn {
  std::uint32_t mops_begin = 0, mops_end = 0;
  OpType outcome = OpType::Info;  // Ok, Fail or Info (Info also when it never completed)
  std::int64_t process = 0;
  std::int64_t invoke_pos = -1;    // positions in History::ops()
  std::int64_t complete_pos = -1;  // -1 when the invocation never completed
  std::int64_t index = 0;          // the op index users see (completion's, else invocation's)
  std::int64_t source_pos = -1;    // the op whose value gave the micro-ops
  bool ok() const { return outcome == OpType::Ok; }
  bool failed() const { return outcome == OpType::Fail; }
};

enum class ReadShape { List, Value };  // list-append or rw-register reads

class Txns {
 public:
  Txns(const History& h, ReadShape shape);

  const History& history() const { return *h_; }
  const std::vector<Txn>& all() const { return txns_; }
  std::size_t size() const { return txns_.size(); }
  const Txn& operator[](std::size_t i) const { return txns_[i]; }
  const Mop* mops_begin(const Txn& t) const { return mops_.data() + t.mops_begin; }
  const Mop* mops_end(const Txn& t) const { return mops_.data() + t.mops_end; }
  const std::uint32_t* elements(const Mop& m) const { return elements_.data() + m.list; }
  std::uint32_t last_element(const Mop& m) const { return m.len ? elements_[m.list + m.len - 1] : kNil; }

  std::size_t key_count() const { return key_json_.size(); }
  std::size_t value_count() const { return value_json_.size(); }
  // Renderings for explanations.
  std::string key(std::uint32_t k) const;
  std::string value(std::uint32_t v) const;
  std::string list(const Mop& m) const;

  // A short name for a txn in a sentence: "T12" (its op index).
  static std::string name(const Txn& t) { return "T" + std::to_string(t.index); }
  // The line of the op the micro-ops came from (for errors).
  std::int64_t line(const Txn& t) const { return (*h_)[t.source_pos].line; }

 private:
  // Dense ids for JSON values: small non-negative integers (what histories
  // almost always hold) by direct index, other integers by hash, the rest
  // by their text.
  class Interner {
   public:
    std::uint32_t id(const Json& v, bool& fresh);
    std::size_t size() const { return next_; }

   private:
    std::uint32_t assign(std::uint32_t& slot, bool& fresh);
    std::uint32_t text_id(const Json& v, bool& fresh);
    std::vector<std::uint32_t> direct_;
    FlatMap<std::uint32_t> ints_;
    std::unordered_map<std::string, std::uint32_t> others_;
    std::uint32_t next_ = 0;
  };

  void add(const OpPair& p, ReadShape shape);
  std::uint32_t intern_value(const Json& v);

  const History* h_;
  std::vector<Txn> txns_;
  std::vector<Mop> mops_;
  std::vector<std::uint32_t> elements_;
  Interner keys_, values_;
  std::vector<const Json*> key_json_, value_json_;
};

// True when v is a list of micro-ops (each a list starting with a string).
bool is_txn_value(const Json& v);

}  // namespace fl::txn
