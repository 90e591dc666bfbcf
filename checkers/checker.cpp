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

}  // namespace fl
