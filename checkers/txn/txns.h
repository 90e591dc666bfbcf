// Txns: the transactions of a history in the compact, integer form the
// transactional checkers work on. One Txn per client operation whose value is
// a list of micro-ops (f "txn", or Elle's histories that leave f out):
// ["append", k, v], ["r", k, v] (a list for list-append, a value for
// rw-register; null when unknown), ["w", k, v]; Jepsen's two-element
// [:r k] is a read of unknown value. Keys and values are interned to dense
// ids, and Txns keeps their renderings and what explanations name of each op
// (index, process, line), so it needs nothing of the ops once built.
// Txns are built from the ops in file order (add_op, then finish), either
// streamed from a file (stream.h) or replayed from a History: both give the
// same Txns (the same ids, in the same order). A transaction's micro-ops are
// taken when every transaction invoked before it has been taken, so ids
// follow invocation order; only the unfinished ones wait, as text.
// Micro-ops come from the completion when it carries them, else from the
// invocation (an info or a missing completion). A malformed micro-op, and a
// client op that is no transaction, is a BadInput naming the op's file:line; it is kept (the first in invocation
// order) and thrown by throw_if_bad(), so that a reader may first finish the
// file, whose own errors come first, as with read_history.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <unordered_map>

#include <deque>
#include <optional>
#include <string_view>

#include "checkers/anomalies.h"
#include "checkers/txn/flat_map.h"
#include "history/error.h"
#include "history/history.h"
#include "history/op_stream.h"

namespace fl::txn {

enum class MopKind : std::uint8_t { Append, Read, Write };

constexpr std::uint32_t kNil = 0xffffffffu;  // the value id of null (rw-register's initial state)

// 12 bytes. A list-append read's elements are Txns::elements(m).
struct Mop {
  Mop() : len(0), kind(MopKind::Read), known(true), shared(false) {}
  std::uint32_t key = 0;
  std::uint32_t value = kNil;  // append / write value; rw-register read value;
                               // list-append read not shared: its first element's place
  std::uint32_t len : 28;      // list-append read: number of elements
  MopKind kind : 2;
  bool known : 1;              // a read whose value was observed
  bool shared : 1;             // list-append read: a prefix of its key's shared list
};
static_assert(sizeof(Mop) == 12, "a history holds tens of millions of micro-ops");
constexpr std::uint32_t kMaxReadLength = (1u << 28) - 1;

// 56 bytes. Its micro-ops run to the next txn's (Txns::mops_end).
struct Txn {
  std::uint32_t mops_begin = 0;
  OpType outcome = OpType::Info;  // Ok, Fail or Info (Info also when it never completed)
  std::int64_t process = 0;
  std::int64_t invoke_pos = -1;    // positions of the ops in the history (file order)
  std::int64_t complete_pos = -1;  // -1 when the invocation never completed
  std::int64_t index = 0;          // the op index users see (completion's, else invocation's)
  std::int64_t invoke_index = 0;   // the invocation's op index
  std::int64_t line = 0;           // the line of the op whose value gave the micro-ops
  bool ok() const { return outcome == OpType::Ok; }
  bool failed() const { return outcome == OpType::Fail; }
};
static_assert(sizeof(Txn) == 56, "a history holds tens of millions of transactions");

enum class ReadShape { List, Value };  // list-append or rw-register reads

class Txns {
 public:
  // Empty, to be filled by add_op() in file order and finish().
  Txns(std::string source, ReadShape shape);
  // All of a History's ops (a malformed micro-op: see throw_if_bad).
  Txns(const History& h, ReadShape shape);
  Txns(Txns&&) = default;
  Txns& operator=(Txns&&) = default;

  // The next op of the history (nemesis events are skipped).
  void add_op(const OpRef& op);
  // After the last op: the history had `op_count` ops.
  void finish(std::int64_t op_count);
  // Throws the first malformed micro-op's BadInput, if there was one.
  void throw_if_bad() const {
    if (error_) throw *error_;
  }
  bool bad() const { return error_.has_value(); }

  const std::string& source() const { return source_; }
  std::int64_t op_count() const { return op_count_; }  // History::size()
  const std::vector<Txn>& all() const { return txns_; }
  std::size_t size() const { return txns_.size(); }
  const Txn& operator[](std::size_t i) const { return txns_[i]; }
  const Mop* mops_begin(const Txn& t) const { return mops_.data() + t.mops_begin; }
  // t must be one of all().
  const Mop* mops_end(const Txn& t) const {
    auto next = static_cast<std::size_t>(&t - txns_.data()) + 1;
    return mops_.data() + (next < txns_.size() ? txns_[next].mops_begin : mops_.size());
  }
  // A list-append read's elements (len of them).
  const std::uint32_t* elements(const Mop& m) const {
    return m.shared ? shared_[m.key].data() : elements_.data() + m.value;
  }
  std::uint32_t last_element(const Mop& m) const { return m.len ? elements(m)[m.len - 1] : kNil; }

  std::size_t key_count() const { return key_text_.size(); }
  std::size_t value_count() const { return value_int_.size(); }
  // Renderings for explanations (the values' JSON).
  std::string key(std::uint32_t k) const { return key_text_[k]; }
  std::string value(std::uint32_t v) const;
  std::string list(const Mop& m) const;

  // The faults the nemesis started (checkers/fault_text.h), in file order:
  // the first one begun after position `after` and before `before` (null if
  // none), for an anomaly a fault between two transactions explains.
  struct Fault {
    std::int64_t pos;
    std::string text;  // "start-lose-unfsynced on n1 (op 8631, at 4.352 s)"
  };
  const Fault* fault_between(std::int64_t after, std::int64_t before) const;

  // A short name for a txn in a sentence: "T12" (its op index).
  static std::string name(const Txn& t) { return "T" + std::to_string(t.index); }
  // The line of the op the micro-ops came from (for errors).
  std::int64_t line(const Txn& t) const { return t.line; }

 private:
  // Dense ids for values: small non-negative integers (what histories
  // almost always hold) by direct index, other integers by hash, the rest
  // by their text.
  class Interner {
   public:
    std::uint32_t id(const Json& v, bool& fresh);
    std::uint32_t id_int(std::int64_t i, bool& fresh);
    std::uint32_t id_string(std::string_view s, bool& fresh);  // a JSON string
    std::size_t size() const { return next_; }

   private:
    std::uint32_t assign(std::uint32_t& slot, bool& fresh);
    std::uint32_t text_id(std::string key, bool& fresh);
    std::vector<std::uint32_t> direct_;
    FlatMap<std::uint32_t> ints_;
    std::unordered_map<std::string, std::uint32_t> others_;
    std::uint32_t next_ = 0;
  };

  // A transaction waiting for its micro-ops to be taken: the op whose value
  // gives them is kept as a pointer (into a History), or as text or JSON.
  struct Pending {
    bool txn = false, completed = false;
    Txn t;  // for an op that is no transaction: its line alone, and its f in `text`
    const Json* ref = nullptr;
    std::string text;
    Json json;
  };
  static void keep_source(Pending& p, const OpRef& op);
  void drain(bool all);
  void take(Pending& p);
  void take_json(Txn& t, const Json& value);
  bool take_text(Txn& t, std::string_view text);
  void share_list(Mop& m);
  std::uint32_t intern_key(const Json& k);
  std::uint32_t intern_value(const Json& v);
  std::uint32_t intern_key_int(std::int64_t i);
  std::uint32_t intern_key_string(std::string_view s);
  std::uint32_t intern_value_int(std::int64_t i);
  std::uint32_t intern_value_string(std::string_view s);

  std::string source_;
  ReadShape shape_;
  std::int64_t op_count_ = 0;
  std::deque<Pending> pending_;  // pairs from number first_pair_ on
  std::int64_t first_pair_ = 0;
  std::optional<BadInput> error_;
  std::vector<Txn> txns_;
  std::vector<Fault> faults_;
  std::vector<Mop> mops_;
  // A list-append read holds the whole list it read, and most reads of a
  // key are prefixes of one another: each key keeps one list, the longest
  // such read so far, and a read that is a prefix of it (or extends it) is
  // kept as its length alone. Only a read that disagrees with the key's list
  // keeps its own elements, in elements_.
  std::vector<std::vector<std::uint32_t>> shared_;  // by key id
  std::vector<std::uint32_t> elements_;
  Interner keys_, values_;
  std::vector<std::string> key_text_;
  std::vector<std::int64_t> value_int_;                      // by value id: the integer…
  std::unordered_map<std::uint32_t, std::string> value_text_;  // …or, for the others, the JSON
};

// True when v is a list of micro-ops (each a list starting with a string).
bool is_txn_value(const Json& v);

}  // namespace fl::txn
