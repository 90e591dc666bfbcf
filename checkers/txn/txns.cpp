#include "checkers/txn/txns.h"

#include <algorithm>

#include <fmt/format.h>

#include "checkers/fault_text.h"

namespace fl::txn {

bool is_txn_value(const Json& v) {
  if (!v.is_array() || v.empty()) return false;
  for (const Json& m : v)
    if (!m.is_array() || m.empty() || !m[0].is_string()) return false;
  return true;
}

// ---- interning ----

std::uint32_t Txns::Interner::assign(std::uint32_t& slot, bool& fresh) {
  fresh = slot == kNil;
  if (fresh) slot = next_++;
  return slot;
}

std::uint32_t Txns::Interner::id(const Json& v, bool& fresh) {
  if (v.is_number_unsigned()) {
    std::uint64_t u = v.get_ref<const Json::number_unsigned_t&>();
    if (u > static_cast<std::uint64_t>(INT64_MAX)) return text_id("j" + v.dump(), fresh);
    return id_int(static_cast<std::int64_t>(u), fresh);
  }
  if (v.is_number_integer()) return id_int(v.get_ref<const Json::number_integer_t&>(), fresh);
  if (v.is_string()) return id_string(v.get_ref<const std::string&>(), fresh);
  return text_id("j" + v.dump(), fresh);
}

std::uint32_t Txns::Interner::id_int(std::int64_t i, bool& fresh) {
  if (i >= 0) {
    // The direct table grows only while it stays dense enough.
    auto u = static_cast<std::uint64_t>(i);
    std::uint64_t limit = std::max<std::uint64_t>(std::uint64_t{1} << 22, std::uint64_t{4} * next_);
    if (u < limit && u < (std::uint64_t{1} << 26)) {
      if (u >= direct_.size()) direct_.resize(std::max<std::size_t>(u + 1, direct_.size() * 2), kNil);
      return assign(direct_[u], fresh);
    }
  }
  if (i == -1) return text_id("j-1", fresh);  // the hash table's empty mark
  return assign(*ints_.try_emplace(static_cast<std::uint64_t>(i), kNil).first, fresh);
}

std::uint32_t Txns::Interner::id_string(std::string_view s, bool& fresh) {
  std::string key;
  key.reserve(s.size() + 1);
  key += 's';
  key += s;
  return text_id(std::move(key), fresh);
}

std::uint32_t Txns::Interner::text_id(std::string key, bool& fresh) {
  auto [it, inserted] = others_.try_emplace(std::move(key), next_);
  fresh = inserted;
  if (fresh) ++next_;
  return it->second;
}

std::uint32_t Txns::intern_key(const Json& k) {
  bool fresh = false;
  std::uint32_t id = keys_.id(k, fresh);
  if (fresh) key_text_.push_back(k.dump());
  return id;
}

std::uint32_t Txns::intern_key_int(std::int64_t i) {
  bool fresh = false;
  std::uint32_t id = keys_.id_int(i, fresh);
  if (fresh) key_text_.push_back(std::to_string(i));
  return id;
}

std::uint32_t Txns::intern_key_string(std::string_view s) {
  bool fresh = false;
  std::uint32_t id = keys_.id_string(s, fresh);
  if (fresh) key_text_.push_back(fmt::format("\"{}\"", s));  // plain strings only: no escapes
  return id;
}

std::uint32_t Txns::intern_value(const Json& v) {
  if (v.is_null()) return kNil;
  bool fresh = false;
  std::uint32_t id = values_.id(v, fresh);
  if (!fresh) return id;
  if (v.is_number_integer() && !v.is_number_unsigned()) {
    value_int_.push_back(v.get_ref<const Json::number_integer_t&>());
  } else if (v.is_number_unsigned() && v.get_ref<const Json::number_unsigned_t&>() <= static_cast<std::uint64_t>(INT64_MAX)) {
    value_int_.push_back(static_cast<std::int64_t>(v.get_ref<const Json::number_unsigned_t&>()));
  } else {
    value_int_.push_back(0);
    value_text_.emplace(id, v.dump());
  }
  return id;
}

std::uint32_t Txns::intern_value_int(std::int64_t i) {
  bool fresh = false;
  std::uint32_t id = values_.id_int(i, fresh);
  if (fresh) value_int_.push_back(i);
  return id;
}

std::uint32_t Txns::intern_value_string(std::string_view s) {
  bool fresh = false;
  std::uint32_t id = values_.id_string(s, fresh);
  if (fresh) {
    value_int_.push_back(0);
    value_text_.emplace(id, fmt::format("\"{}\"", s));
  }
  return id;
}

// ---- building ----

Txns::Txns(std::string source, ReadShape shape) : source_(std::move(source)), shape_(shape) {}

Txns::Txns(const History& h, ReadShape shape) : Txns(h.source(), shape) {
  txns_.reserve(h.pairs().size());
  mops_.reserve(h.pairs().size() * 4);
  std::vector<std::int64_t> pair_at(h.size(), -1);
  std::int64_t next = 0;
  for (std::size_t i = 0; i < h.size(); ++i) {
    const Op& op = h[i];
    if (op.is_nemesis()) {
      add_op(OpRef(op, static_cast<std::int64_t>(i), -1, {}, true));
      continue;
    }
    std::int64_t pair = op.is_invoke() ? (pair_at[i] = next++) : pair_at[h.partner(i)];
    add_op(OpRef(op, static_cast<std::int64_t>(i), pair, {}, true));
  }
  finish(static_cast<std::int64_t>(h.size()));
}

void Txns::keep_source(Pending& p, const OpRef& op) {
  p.ref = nullptr;
  p.text.clear();
  p.json = Json();
  if (op.stable())
    p.ref = &op.op().value;
  else if (!op.value_text().empty())
    p.text.assign(op.value_text());
  else
    p.json = op.op().value;
}

const Txns::Fault* Txns::fault_between(std::int64_t after, std::int64_t before) const {
  auto it = std::upper_bound(faults_.begin(), faults_.end(), after,
                             [](std::int64_t pos, const Fault& f) { return pos < f.pos; });
  return it != faults_.end() && it->pos < before ? &*it : nullptr;
}

void Txns::add_op(const OpRef& r) {
  const Op& op = r.op();
  if (r.pair() < 0) {  // a nemesis event
    if (starts_fault(op)) faults_.push_back({r.position(), fault_text(op, r.value())});
    return;
  }
  if (op.is_invoke()) {
    pending_.emplace_back();
    Pending& p = pending_.back();
    p.txn = op.f == "txn" || is_txn_value(r.value());
    if (!p.txn) {  // not a transaction: refused when its turn comes (drain)
      p.t.line = op.line;
      p.text = op.f;
      p.completed = true;
      drain(false);
      return;
    }
    p.t.process = op.process;
    p.t.invoke_pos = r.position();
    p.t.index = p.t.invoke_index = op.index;
    p.t.line = op.line;
    keep_source(p, r);
    return;
  }
  std::int64_t k = r.pair() - first_pair_;
  if (k < 0 || !pending_[static_cast<std::size_t>(k)].txn) return;
  Pending& p = pending_[static_cast<std::size_t>(k)];
  p.completed = true;
  p.t.outcome = op.type;
  p.t.complete_pos = r.position();
  p.t.index = op.index;
  // Elle reads the completion; an info (or a missing) completion usually
  // carries nothing, and then the invocation says what was attempted.
  bool array = r.value_text().empty() ? op.value.is_array() : r.value_text()[0] == '[';
  if (array) {
    p.t.line = op.line;
    keep_source(p, r);
  }
  drain(false);
}

void Txns::finish(std::int64_t op_count) {
  drain(true);
  std::deque<Pending>().swap(pending_);
  op_count_ = op_count;
}

void Txns::drain(bool all) {
  while (!pending_.empty() && (all || pending_.front().completed)) {
    Pending& p = pending_.front();
    if (p.txn && !error_) take(p);
    if (!p.txn && !error_)
      error_ = BadInput(source_, p.t.line,
                        fmt::format("the transaction checkers cannot interpret an op \"{}\" (they know txn)", p.text));
    pending_.pop_front();
    ++first_pair_;
  }
}

void Txns::take(Pending& p) {
  const auto begin = static_cast<std::uint32_t>(mops_.size());
  try {
    Txn t = p.t;
    t.mops_begin = begin;
    if (p.ref)
      take_json(t, *p.ref);
    else if (p.text.empty())
      take_json(t, p.json);
    else if (!take_text(t, p.text))
      take_json(t, Json::parse(p.text));
    txns_.push_back(t);
  } catch (const BadInput& e) {
    error_ = e;
    mops_.resize(begin);  // the last txn's micro-ops run to the end
  }
}

void Txns::share_list(Mop& m) {
  // The read's elements are the last m.len of elements_.
  if (m.key >= shared_.size()) shared_.resize(std::max<std::size_t>(m.key + 1, shared_.size() * 2));
  std::vector<std::uint32_t>& list = shared_[m.key];
  const std::uint32_t* e = elements_.data() + m.value;
  const std::size_t common = std::min<std::size_t>(m.len, list.size());
  if (!std::equal(e, e + common, list.begin())) return;  // disagrees: keeps its own elements
  list.insert(list.end(), e + common, e + m.len);
  elements_.resize(m.value);
  m.shared = true;
  m.value = kNil;
}

void Txns::take_json(Txn& t, const Json& value) {
  if (!value.is_array())
    throw BadInput(source_, t.line,
                   fmt::format("a transaction's value must be a list of micro-ops, got {}", show(value)));
  for (const Json& m : value) {
    if (!m.is_array() || m.size() < 2 || m.size() > 3 || !m[0].is_string())
      throw BadInput(source_, t.line,
                     fmt::format("a micro-op must be [f, key, value] with f one of append, r, w; got {}", show(m)));
    const std::string& f = m[0].get_ref<const std::string&>();
    Mop mop;
    if (f == "append") mop.kind = MopKind::Append;
    else if (f == "r") mop.kind = MopKind::Read;
    else if (f == "w") mop.kind = MopKind::Write;
    else
      throw BadInput(source_, t.line,
                     fmt::format("unknown micro-op \"{}\" in {} (expected append, r or w)", f, show(m)));
    if (m.size() == 2 && mop.kind != MopKind::Read)
      throw BadInput(source_, t.line, fmt::format("micro-op {} has no value", show(m)));
    mop.key = intern_key(m[1]);
    static const Json null_value;
    const Json& v = m.size() == 3 ? m[2] : null_value;
    if (mop.kind != MopKind::Read) {
      if (v.is_null()) throw BadInput(source_, t.line, fmt::format("micro-op {} writes null", show(m)));
      mop.value = intern_value(v);
    } else if (shape_ == ReadShape::List) {
      // An ok read of null is Elle's initial (empty) state; an unfinished
      // txn's null read tells nothing.
      mop.known = !v.is_null() || t.outcome == OpType::Ok;
      if (!v.is_null() && !v.is_array())
        throw BadInput(source_, t.line,
                       fmt::format("a list-append read must return a list or null, got {}", show(m)));
      mop.value = static_cast<std::uint32_t>(elements_.size());
      if (v.is_array()) {
        if (v.size() > kMaxReadLength)
          throw BadInput(source_, t.line, fmt::format("a read of {} elements is more than this checker holds ({})",
                                                      v.size(), kMaxReadLength));
        for (const Json& e : v) {
          if (e.is_null())
            throw BadInput(source_, t.line, fmt::format("read {} holds null, which no append writes", show(m)));
          elements_.push_back(intern_value(e));
        }
        mop.len = static_cast<std::uint32_t>(v.size());
      }
      share_list(mop);
    } else {
      mop.known = t.outcome == OpType::Ok;
      mop.value = intern_value(v);
    }
    mops_.push_back(mop);
  }
}

namespace {

// A scalar of a micro-op's text: an integer, a string without escapes, null.
struct TxnTextToken {
  enum Kind { Int, Str, Null } kind = Null;
  std::int64_t i = 0;
  std::string_view s;
};

struct TxnTextMop {
  MopKind kind = MopKind::Read;
  TxnTextToken key, value;
  bool list = false;                 // a read of a list: elements [first, first + len) of the scratch
  std::uint32_t first = 0, len = 0;
};

// Reads the plain micro-op lists writers emit ([["append",1,2],["r",1,[1 2]]])
// without building JSON. Gives up (false) on anything else — other shapes,
// and everything take_json would refuse — which then goes through JSON.
class TxnTextParser {
 public:
  TxnTextParser(std::string_view text, ReadShape shape, std::vector<TxnTextMop>& mops,
                std::vector<TxnTextToken>& elements)
      : p_(text.data()), end_(text.data() + text.size()), shape_(shape), mops_(mops), elements_(elements) {}

  bool parse() {
    mops_.clear();
    elements_.clear();
    if (!expect('[')) return false;
    skip();
    if (p_ < end_ && *p_ == ']') return false;  // empty: rare, and JSON says it best
    for (;;) {
      if (!mop()) return false;
      skip();
      if (p_ == end_) return false;
      if (*p_ == ']') {
        ++p_;
        skip();
        return p_ == end_;
      }
      if (*p_++ != ',') return false;
    }
  }

 private:
  void skip() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }
  bool expect(char c) {
    skip();
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }
  bool scalar(TxnTextToken& t) {
    skip();
    if (p_ == end_) return false;
    if (*p_ == '"') {
      const char* s = ++p_;
      while (p_ < end_ && *p_ != '"') {
        auto c = static_cast<unsigned char>(*p_);
        if (c == '\\' || c < 0x20 || c >= 0x80) return false;
        ++p_;
      }
      if (p_ == end_) return false;
      t.kind = TxnTextToken::Str;
      t.s = std::string_view(s, static_cast<std::size_t>(p_ - s));
      ++p_;
      return true;
    }
    if (end_ - p_ >= 4 && std::string_view(p_, 4) == "null") {
      p_ += 4;
      t.kind = TxnTextToken::Null;
      return true;
    }
    bool neg = *p_ == '-';
    if (neg) ++p_;
    const char* d = p_;
    std::int64_t x = 0;
    // At most 18 digits are summed (no overflow), whatever the text holds.
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') {
      if (p_ - d == 18) return false;
      x = x * 10 + (*p_++ - '0');
    }
    auto n = p_ - d;
    if (n == 0 || (*d == '0' && (n > 1 || neg))) return false;
    t.kind = TxnTextToken::Int;
    t.i = neg ? -x : x;
    return true;
  }
  bool mop() {
    if (!expect('[')) return false;
    TxnTextToken f;
    if (!scalar(f) || f.kind != TxnTextToken::Str) return false;
    TxnTextMop m;
    if (f.s == "append") m.kind = MopKind::Append;
    else if (f.s == "r") m.kind = MopKind::Read;
    else if (f.s == "w") m.kind = MopKind::Write;
    else return false;
    if (!expect(',') || !scalar(m.key) || m.key.kind == TxnTextToken::Null) return false;
    skip();
    if (p_ < end_ && *p_ == ']') {  // [:r k]: a read of unknown value
      ++p_;
      if (m.kind != MopKind::Read) return false;
      mops_.push_back(m);
      return true;
    }
    if (!expect(',')) return false;
    skip();
    if (p_ < end_ && *p_ == '[') {
      if (m.kind != MopKind::Read || shape_ != ReadShape::List) return false;
      ++p_;
      m.list = true;
      m.first = static_cast<std::uint32_t>(elements_.size());
      skip();
      if (p_ < end_ && *p_ == ']') {
        ++p_;
      } else {
        for (;;) {
          TxnTextToken e;
          if (!scalar(e) || e.kind == TxnTextToken::Null) return false;
          elements_.push_back(e);
          skip();
          if (p_ == end_) return false;
          if (*p_ == ']') {
            ++p_;
            break;
          }
          if (*p_++ != ',') return false;
        }
      }
      m.len = static_cast<std::uint32_t>(elements_.size()) - m.first;
      if (m.len > kMaxReadLength) return false;  // JSON words the error
    } else {
      if (!scalar(m.value)) return false;
      if (m.kind != MopKind::Read && m.value.kind == TxnTextToken::Null) return false;
      if (m.kind == MopKind::Read && shape_ == ReadShape::List && m.value.kind != TxnTextToken::Null) return false;
    }
    if (!expect(']')) return false;
    mops_.push_back(m);
    return true;
  }

  const char* p_;
  const char* end_;
  ReadShape shape_;
  std::vector<TxnTextMop>& mops_;
  std::vector<TxnTextToken>& elements_;
};

}  // namespace

bool Txns::take_text(Txn& t, std::string_view text) {
  thread_local std::vector<TxnTextMop> mops;
  thread_local std::vector<TxnTextToken> elements;
  if (!TxnTextParser(text, shape_, mops, elements).parse()) return false;
  // Interned in take_json's order, so ids do not depend on the path taken.
  auto value_id = [&](const TxnTextToken& v) {
    return v.kind == TxnTextToken::Null ? kNil
           : v.kind == TxnTextToken::Int ? intern_value_int(v.i)
                                         : intern_value_string(v.s);
  };
  for (const TxnTextMop& m : mops) {
    Mop mop;
    mop.kind = m.kind;
    mop.key = m.key.kind == TxnTextToken::Int ? intern_key_int(m.key.i) : intern_key_string(m.key.s);
    if (m.kind != MopKind::Read) {
      mop.value = value_id(m.value);
    } else if (shape_ == ReadShape::List) {
      mop.known = m.list || t.outcome == OpType::Ok;
      mop.value = static_cast<std::uint32_t>(elements_.size());
      for (std::uint32_t j = 0; j < m.len; ++j) elements_.push_back(value_id(elements[m.first + j]));
      mop.len = m.len;
      share_list(mop);
    } else {
      mop.known = t.outcome == OpType::Ok;
      mop.value = value_id(m.value);
    }
    mops_.push_back(mop);
  }
  return true;
}

// ---- renderings ----

std::string Txns::value(std::uint32_t v) const {
  if (v == kNil) return "nil";
  auto it = value_text_.find(v);
  return it != value_text_.end() ? it->second : std::to_string(value_int_[v]);
}

std::string Txns::list(const Mop& m) const {
  // Long lists keep their head and tail: the interesting part of a read is
  // usually where it ends.
  std::string s = "[";
  for (std::uint32_t i = 0; i < m.len; ++i) {
    if (m.len > 12 && i == 8) {
      s += fmt::format(" …{} more…", m.len - 11);
      i = m.len - 4;
      continue;
    }
    if (i) s += " ";
    s += value(elements(m)[i]);
  }
  return s + "]";
}

}  // namespace fl::txn
