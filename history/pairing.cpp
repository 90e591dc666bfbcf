#include "history/pairing.h"

#include <fmt/format.h>

#include "history/error.h"

namespace fl {

std::size_t Pairing::home(std::int64_t process) const {
  return static_cast<std::size_t>((static_cast<std::uint64_t>(process) * 0x9E3779B97F4A7C15ull) >> (64 - bits_));
}

Pairing::Slot& Pairing::find(std::int64_t process) {
  if (slots_.empty()) {
    bits_ = 6;
    slots_.resize(std::size_t{1} << bits_);
  }
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = home(process);
  while (slots_[i].used && slots_[i].process != process) i = (i + 1) & mask;
  return slots_[i];
}

Pairing::Slot& Pairing::insert(std::int64_t process) {
  if (2 * (used_ + 1) > slots_.size()) {
    std::vector<Slot> old = std::move(slots_);
    slots_.clear();
    slots_.resize(old.size() * 2);
    ++bits_;
    for (Slot& s : old)
      if (s.used) find(s.process) = std::move(s);
  }
  Slot& s = find(process);
  s.used = true;
  s.process = process;
  ++used_;
  return s;
}

// Backward-shift deletion: the entries after the freed slot that probed
// past it move back, so every lookup still meets its entry before a gap.
void Pairing::erase(Slot& s) {
  const std::size_t mask = slots_.size() - 1;
  auto i = static_cast<std::size_t>(&s - slots_.data());
  slots_[i].used = false;
  --used_;
  for (std::size_t j = (i + 1) & mask; slots_[j].used; j = (j + 1) & mask) {
    std::size_t k = home(slots_[j].process);
    // The entry at j stays if its home lies cyclically in (i, j].
    bool stays = i < j ? (i < k && k <= j) : (i < k || k <= j);
    if (stays) continue;
    slots_[i] = std::move(slots_[j]);
    slots_[j].used = false;
    i = j;
  }
}

Pairing::Match Pairing::add(const Op& op, std::int64_t pos) {
  if (op.is_nemesis()) return {};
  Slot& s = find(op.process);
  if (op.is_invoke()) {
    if (s.used && s.last.open)
      throw BadInput(source_, op.line,
                     fmt::format("process {} invokes {} before its {} (line {}) completed", op.process, op.f,
                                 s.last.f, s.last.line));
    Open& o = s.used ? s.last : insert(op.process).last;
    o.open = true;
    o.pair = next_pair_;
    o.invoke = pos;
    o.f = op.f;
    o.line = op.line;
    return {next_pair_++, -1};
  }
  if (!s.used || !s.last.open)
    throw BadInput(source_, op.line,
                   fmt::format("process {} completes {} ({}) without an invocation", op.process, op.f,
                               to_string(op.type)));
  Match m{s.last.pair, s.last.invoke};
  if (op.type == OpType::Info)
    erase(s);
  else
    s.last.open = false;
  return m;
}

}  // namespace fl
