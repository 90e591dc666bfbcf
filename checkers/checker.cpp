#include "checkers/checker.h"

#include "checkers/online.h"

namespace fl {

std::string_view to_string(Validity v) {
  switch (v) {
    case Validity::Valid: return "valid";
    case Validity::Invalid: return "invalid";
    case Validity::Unknown: return "unknown";
  }
  return "unknown";
}

Json validity_json(Validity v) {
  switch (v) {
    case Validity::Valid: return true;
    case Validity::Invalid: return false;
    case Validity::Unknown: return "unknown";
  }
  return "unknown";
}

Validity worst(Validity a, Validity b) {
  if (a == Validity::Invalid || b == Validity::Invalid) return Validity::Invalid;
  if (a == Validity::Unknown || b == Validity::Unknown) return Validity::Unknown;
  return Validity::Valid;
}

std::unique_ptr<OnlineCheck> Checker::online(const CheckOptions&) const { return nullptr; }

void replay(const History& h, const std::function<void(const OpRef&)>& each) {
  std::vector<std::int64_t> pair_of(h.size(), -1);
  for (std::size_t k = 0; k < h.pairs().size(); ++k) {
    const OpPair& p = h.pairs()[k];
    pair_of[static_cast<std::size_t>(p.invoke)] = static_cast<std::int64_t>(k);
    if (p.complete >= 0) pair_of[static_cast<std::size_t>(p.complete)] = static_cast<std::int64_t>(k);
  }
  for (std::size_t i = 0; i < h.size(); ++i) each(OpRef(h[i], static_cast<std::int64_t>(i), pair_of[i], {}, true));
}

}  // namespace fl
