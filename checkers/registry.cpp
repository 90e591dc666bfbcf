// The checker registry: one line per checker.
#include "checkers/registry.h"

#include <memory>

namespace fl {

// Each checker file defines one factory; declare it here and add it below.
std::unique_ptr<Checker> make_stats_checker();

const std::vector<const Checker*>& all_checkers() {
  static const std::vector<std::unique_ptr<Checker>> owned = [] {
    std::vector<std::unique_ptr<Checker>> v;
    v.push_back(make_stats_checker());
    return v;
  }();
  static const std::vector<const Checker*> view = [] {
    std::vector<const Checker*> v;
    for (const auto& c : owned) v.push_back(c.get());
    return v;
  }();
  return view;
}

const Checker* find_checker(std::string_view name) {
  for (const Checker* c : all_checkers())
    if (c->name() == name) return c;
  return nullptr;
}

}  // namespace fl
