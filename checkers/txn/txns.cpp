#include "checkers/txn/txns.h"

#include <algorithm>

#include <fmt/format.h>

#include "history/error.h"

namespace fl::txn {

bool is_txn_value(const Json& v) {
  if (!v.is_array() || v.empty()) return false;
  for (const Json& m : v)
    if (!m.is_array() || m.empty() || !m[0].is_string()) return false;
  return true;
}

Txns::Txns(const History& h, ReadShape shape) : h_(&h) {
  txns_.reserve(h.pairs().size());
  mops_.reserve(h.pairs().size() * 4);
  for (const OpPair& p : h.pairs()) add(p, shape);
}

std::uint32_t Txns::Interner::assign(std::uint32_t& slot, bool& fresh) {
  fresh = slot == kNil;
  if (fresh) slot = next_++;
  return slot;
}

std::uint32_t Txns::Interner::id(const Json& v, bool& fresh) {
  std::int64_t i;
  if (v.is_number_unsigned()) {
    std::uint64_t u = v.get_ref<const Json::number_unsigned_t&>();
    if (u > static_cast<std::uint64_t>(INT64_MAX)) return text_id(v, fresh);
    i = static_cast<std::int64_t>(u);
  } else if (v.is_number_integer()) {
    i = v.get_ref<const Json::number_integer_t&>();
  } else {
    return text_id(v, fresh);
  }
  if (i >= 0) {
    // The direct table grows only while it stays dense enough.
    auto u = static_cast<std::uint64_t>(i);
    std::uint64_t limit = std::max<std::uint64_t>(std::uint64_t{1} << 22, std::uint64_t{4} * next_);
    if (u < limit && u < (std::uint64_t{1} << 26)) {
      if (u >= direct_.size()) direct_.resize(std::max<std::size_t>(u + 1, direct_.size() * 2), kNil);
      return assign(direct_[u], fresh);
    }
  }
  if (i == -1) return text_id(v, fresh);  // the hash table's empty mark
  return assign(*ints_.try_emplace(static_cast<std::uint64_t>(i), kNil).first, fresh);
}

std::uint32_t Txns::Interner::text_id(const Json& v, bool& fresh) {
  auto [it, inserted] = others_.try_emplace(v.is_string() ? "s" + v.get_ref<const std::string&>() : "j" + v.dump(), next_);
  fresh = inserted;
  if (fresh) ++next_;
  return it->second;
}

std::uint32_t Txns::intern_value(const Json& v) {
  if (v.is_null()) return kNil;
  bool fresh = false;
  std::uint32_t id = values_.id(v, fresh);
  if (fresh) value_json_.push_back(&v);
  return id;
}

void Txns::add(const OpPair& p, ReadShape shape) {
  const History& h = *h_;
  const Op& inv = h[p.invoke];
  bool txn_f = inv.f == "txn";
  if (!txn_f && !is_txn_value(inv.value)) return;  // not a transaction: another checker's op
  Txn t;
  t.outcome = h.outcome(p);
  t.process = inv.process;
  t.invoke_pos = p.invoke;
  t.complete_pos = p.complete;
  t.index = p.complete >= 0 ? h[p.complete].index : inv.index;
  // Elle reads the completion; an info (or a missing) completion usually
  // carries nothing, and then the invocation says what was attempted.
  t.source_pos = p.invoke;
  if (p.complete >= 0 && h[p.complete].value.is_array()) t.source_pos = p.complete;
  const Op& src = h[t.source_pos];
  if (!src.value.is_array())
    throw BadInput(h.source(), src.line,
                   fmt::format("a transaction's value must be a list of micro-ops, got {}", show(src.value)));
  t.mops_begin = static_cast<std::uint32_t>(mops_.size());
  for (const Json& m : src.value) {
    if (!m.is_array() || m.size() < 2 || m.size() > 3 || !m[0].is_string())
      throw BadInput(h.source(), src.line,
                     fmt::format("a micro-op must be [f, key, value] with f one of append, r, w; got {}", show(m)));
    const std::string& f = m[0].get_ref<const std::string&>();
    Mop mop;
    if (f == "append") mop.kind = MopKind::Append;
    else if (f == "r") mop.kind = MopKind::Read;
    else if (f == "w") mop.kind = MopKind::Write;
    else
      throw BadInput(h.source(), src.line,
                     fmt::format("unknown micro-op \"{}\" in {} (expected append, r or w)", f, show(m)));
    if (m.size() == 2 && mop.kind != MopKind::Read)
      throw BadInput(h.source(), src.line, fmt::format("micro-op {} has no value", show(m)));
    bool fresh = false;
    mop.key = keys_.id(m[1], fresh);
    if (fresh) key_json_.push_back(&m[1]);
    static const Json null_value;
    const Json& v = m.size() == 3 ? m[2] : null_value;
    if (mop.kind != MopKind::Read) {
      if (v.is_null())
        throw BadInput(h.source(), src.line, fmt::format("micro-op {} writes null", show(m)));
      mop.value = intern_value(v);
    } else if (shape == ReadShape::List) {
      // An ok read of null is Elle's initial (empty) state; an unfinished
      // txn's null read tells nothing.
      mop.known = !v.is_null() || t.outcome == OpType::Ok;
      if (!v.is_null() && !v.is_array())
        throw BadInput(h.source(), src.line,
                       fmt::format("a list-append read must return a list or null, got {}", show(m)));
      mop.list = static_cast<std::uint32_t>(elements_.size());
      if (v.is_array()) {
        for (const Json& e : v) {
          if (e.is_null())
            throw BadInput(h.source(), src.line, fmt::format("read {} holds null, which no append writes", show(m)));
          elements_.push_back(intern_value(e));
        }
        mop.len = static_cast<std::uint32_t>(v.size());
      }
    } else {
      mop.known = t.outcome == OpType::Ok;
      mop.value = intern_value(v);
    }
    mops_.push_back(mop);
  }
  t.mops_end = static_cast<std::uint32_t>(mops_.size());
  txns_.push_back(t);
}

std::string Txns::key(std::uint32_t k) const { return key_json_[k]->dump(); }

std::string Txns::value(std::uint32_t v) const { return v == kNil ? "nil" : value_json_[v]->dump(); }

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
    s += value(elements_[m.list + i]);
  }
  return s + "]";
}

}  // namespace fl::txn
